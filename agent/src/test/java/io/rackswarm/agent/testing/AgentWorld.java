package io.rackswarm.agent.testing;

import io.rackswarm.testsupport.OciLayout;
import io.rackswarm.testsupport.RedisServer;
import io.rackswarm.testsupport.RegistryServer;
import io.rackswarm.testsupport.ServiceProcess;
import io.rackswarm.testsupport.TrackerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything an agent talks to, as real processes on loopback: a docker-registry upstream
 * holding {@code team/app:v1} (a config, one small and two large unpackable layers), the
 * tracker with its Redis, and one seeder replica. Agents are started per test with
 * {@link #agentEnv}.
 */
public final class AgentWorld implements AutoCloseable {

    /** Below this, blobs go over HTTP in the tests (the default is 4 MiB). */
    public static final int P2P_MIN_BYTES = 1024 * 1024;

    public final Path dir;
    public final RegistryServer registry;
    public final TrackerProcess tracker;
    public final ServiceProcess seeder;
    public final OciLayout.Image image;

    private AgentWorld(Path dir, RegistryServer registry, TrackerProcess tracker,
            ServiceProcess seeder, OciLayout.Image image) {
        this.dir = dir;
        this.registry = registry;
        this.tracker = tracker;
        this.seeder = seeder;
        this.image = image;
    }

    /**
     * @param seederUploadBytesPerSecond the seeder's upload cap (0: none); a low one makes
     *     agents take bytes from each other
     */
    public static AgentWorld start(Path dir, long seederUploadBytesPerSecond) throws Exception {
        return start(dir, seederUploadBytesPerSecond, Map.of());
    }

    /** @param trackerSettings more environment for the tracker */
    public static AgentWorld start(Path dir, long seederUploadBytesPerSecond,
            Map<String, String> trackerSettings) throws Exception {
        OciLayout layout = OciLayout.create(dir.resolve("layout"));
        OciLayout.Image image = layout.unpackableImage("amd64", 17, 200_000, 3_000_000,
                9_000_000);
        layout.tag(OciLayout.MANIFEST, image.manifest(), "v1");
        RegistryServer registry = RegistryServer.start(dir.resolve("registry"));
        registry.push(layout.dir(), "v1", "team/app", "v1");
        Map<String, String> trackerEnv = new HashMap<>(Map.of(
                "RACKSWARM_TRACKER_ANNOUNCE_INTERVAL", "2s",
                "RACKSWARM_TRACKER_MIN_INTERVAL", "1s",
                "RACKSWARM_TRACKER_RETRY_INTERVAL", "1s",
                // As the chart sets it: only rackswarm's clients announce, at the interval.
                "RACKSWARM_TRACKER_CLIENT_ANNOUNCE_GAP", "0s"));
        trackerEnv.putAll(trackerSettings);
        TrackerProcess tracker = TrackerProcess.start(dir, trackerEnv);
        Map<String, String> env = new HashMap<>();
        env.put("RACKSWARM_SEEDER_CACHE_DIR", dir.resolve("seeder-cache").toString());
        env.put("RACKSWARM_SEEDER_DEFAULT_REGISTRY", registry.host());
        env.put("RACKSWARM_SEEDER_PLAIN_HTTP_REGISTRIES", registry.host());
        env.put("RACKSWARM_SEEDER_TRACKER_URL", tracker.baseUrl());
        env.put("RACKSWARM_SEEDER_TRACKER_ADMIN_TOKEN", TrackerProcess.ADMIN_TOKEN);
        env.put("RACKSWARM_SEEDER_ORIGIN_SECRET", TrackerProcess.ORIGIN_SECRET);
        env.put("RACKSWARM_SEEDER_PEER_PORT", Integer.toString(RedisServer.freePort()));
        env.put("RACKSWARM_SEEDER_UPLOAD_BYTES_PER_SECOND",
                Long.toString(seederUploadBytesPerSecond));
        ServiceProcess seeder = ServiceProcess.start("seeder", "rackswarm.jar.seeder",
                RedisServer.freePort(), env, dir);
        return new AgentWorld(dir, registry, tracker, seeder, image);
    }

    /** An agent's settings: its node name, rack and cache, pointed at this world. */
    public Map<String, String> agentEnv(String node, String rack) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("RACKSWARM_AGENT_CACHE_DIR", Files.createDirectories(dir.resolve(node))
                .toString());
        env.put("RACKSWARM_AGENT_SEEDER_URL", seeder.url());
        env.put("RACKSWARM_AGENT_NODE_NAME", node);
        env.put("RACKSWARM_AGENT_NODE_SECRET", TrackerProcess.NODE_SECRET);
        env.put("RACKSWARM_AGENT_TOPOLOGY_SOURCE", "config");
        env.put("RACKSWARM_AGENT_TOPOLOGY_REGION", "eu");
        env.put("RACKSWARM_AGENT_TOPOLOGY_ZONE", "eu-1");
        env.put("RACKSWARM_AGENT_TOPOLOGY_RACK", rack);
        env.put("RACKSWARM_AGENT_PEER_PORT", Integer.toString(RedisServer.freePort()));
        env.put("RACKSWARM_AGENT_P2P_MIN_BYTES", Integer.toString(P2P_MIN_BYTES));
        env.put("RACKSWARM_AGENT_P2P_STALL_TIMEOUT", "3s");
        return env;
    }

    /** Starts an agent process for a node. */
    public ServiceProcess agent(String node, String rack, Map<String, String> extra)
            throws Exception {
        Map<String, String> env = agentEnv(node, rack);
        env.putAll(extra);
        return ServiceProcess.start(node, "rackswarm.jar.agent", RedisServer.freePort(), env,
                dir);
    }

    /** The upstream host, as containerd passes it in {@code ns}. */
    public String ns() {
        return registry.host();
    }

    @Override
    public void close() {
        seeder.close();
        tracker.close();
        registry.close();
    }
}
