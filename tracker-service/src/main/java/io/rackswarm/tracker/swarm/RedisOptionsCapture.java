package io.rackswarm.tracker.swarm;

import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.vertx.redis.client.RedisOptions;
import jakarta.inject.Singleton;

/**
 * Keeps a copy of the options Quarkus builds for its default Redis client (servers, password,
 * TLS, timeouts), so that the announce pipeline opens its own connections exactly like it.
 */
@Singleton
public class RedisOptionsCapture implements RedisOptionsCustomizer {

    private static final String DEFAULT_CLIENT = "<default>";

    private volatile RedisOptions options;

    @Override
    public void customize(String clientName, RedisOptions built) {
        if (DEFAULT_CLIENT.equals(clientName)) {
            options = new RedisOptions(built);
        }
    }

    /** The default client's options; the client must have been created first. */
    public RedisOptions options() {
        RedisOptions captured = options;
        if (captured == null) {
            throw new IllegalStateException("the default Redis client has not been configured");
        }
        return new RedisOptions(captured);
    }
}
