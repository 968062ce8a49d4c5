package io.rackswarm.tracker.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.rackswarm.testsupport.RedisServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Gives the application under test a real Redis Cluster: three redis-server primaries on
 * loopback, joined with {@code redis-cli --cluster create}, and the tracker configured as a
 * cluster client. Test classes reach the nodes through {@link #nodes()}.
 */
public class RedisClusterResource implements QuarkusTestResourceLifecycleManager {

    private static final int NODES = 3;
    private static volatile List<RedisServer> nodes = List.of();

    public static List<RedisServer> nodes() {
        return nodes;
    }

    @Override
    public Map<String, String> start() {
        List<RedisServer> started = startCluster();
        nodes = started;
        Map<String, String> config = new HashMap<>(RedisServerResource.settings());
        config.put("quarkus.redis.hosts",
                started.stream().map(RedisServer::url).collect(Collectors.joining(",")));
        config.put("quarkus.redis.client-type", "cluster");
        return config;
    }

    /** Starts three primaries and joins them into a cluster whose state is ok. */
    public static List<RedisServer> startCluster() {
        List<RedisServer> started = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            started.add(RedisServer.start(List.of("--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000")));
        }
        try {
            join(started);
        } catch (IOException e) {
            started.forEach(RedisServer::stop);
            throw new IllegalStateException("cannot create the Redis Cluster: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.forEach(RedisServer::stop);
            throw new IllegalStateException(e);
        }
        return List.copyOf(started);
    }

    private static void join(List<RedisServer> servers) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        servers.forEach(s -> command.add("127.0.0.1:" + s.port()));
        command.add("--cluster-yes");
        Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(create.getInputStream().readAllBytes());
        if (!create.waitFor(60, TimeUnit.SECONDS) || create.exitValue() != 0) {
            throw new IOException("redis-cli --cluster create failed: " + output);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (RedisServer s : servers) {
            while (!s.command("CLUSTER", "INFO").contains("cluster_state:ok")) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("cluster not ok on port " + s.port());
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void stop() {
        nodes.forEach(RedisServer::stop);
    }
}
