package io.rackswarm.agent.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/** An {@link AgentWorld} for an agent running inside the test's JVM as node-0 in rack a. */
public class AgentWorldResource implements QuarkusTestResourceLifecycleManager {

    public static AgentWorld world;
    /** The agent's separate metrics listener. */
    public static int metricsPort;

    @Override
    public Map<String, String> start() {
        try {
            world = AgentWorld.start(Files.createTempDirectory("agent-world"), 0);
            Map<String, String> config = new HashMap<>();
            world.agentEnv("node-0", "a").forEach((k, v) -> config.put(k.toLowerCase()
                    .replace("rackswarm_agent_", "rackswarm.agent.").replace('_', '-')
                    .replace("rackswarm.agent.topology-", "rackswarm.agent.topology."), v));
            metricsPort = io.rackswarm.testsupport.RedisServer.freePort();
            config.put("rackswarm.agent.metrics-port", String.valueOf(metricsPort));
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the agent's world", e);
        }
    }

    @Override
    public void stop() {
        if (world != null) {
            world.close();
        }
    }
}
