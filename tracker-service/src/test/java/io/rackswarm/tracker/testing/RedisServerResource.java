package io.rackswarm.tracker.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.rackswarm.testsupport.RedisServer;
import java.util.Map;

/**
 * Gives the Quarkus application under test a real redis-server and the tracker's secrets.
 * Test classes reach the server through {@link #server()}.
 */
public class RedisServerResource implements QuarkusTestResourceLifecycleManager {

    public static final String ORIGIN_SECRET = "test-origin-secret-0123456789";
    public static final String NODE_SECRET = "test-node-secret-0123456789";
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    public static final int PEER_TTL_SECONDS = 6;

    private static volatile RedisServer server;

    public static RedisServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = RedisServer.start();
        Map<String, String> config = new java.util.HashMap<>(settings());
        config.put("quarkus.redis.hosts", server.url());
        return config;
    }

    /** The tracker's settings for tests, Redis aside. */
    static Map<String, String> settings() {
        return Map.of(
                "rackswarm.tracker.origin-secrets", ORIGIN_SECRET,
                "rackswarm.tracker.node-secrets", NODE_SECRET,
                "rackswarm.tracker.admin-token", ADMIN_TOKEN,
                // Requests from 127.0.0.2 may name their address; those from 127.0.0.1 may not.
                "rackswarm.tracker.trusted-networks", "127.0.0.2/32,::2/128",
                "rackswarm.tracker.gauge-refresh", "1s",
                // Short enough for the expiry test to wait it out.
                "rackswarm.tracker.peer-ttl", PEER_TTL_SECONDS + "s");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
