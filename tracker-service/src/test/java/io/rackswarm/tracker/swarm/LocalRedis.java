package io.rackswarm.tracker.swarm;

import io.rackswarm.testsupport.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real redis-server with a Vert.x instance and a client of it, for the tests of the Redis
 * plumbing below Quarkus (pipeline, functions): started before a test class, stopped after it.
 * Register it with {@code @RegisterExtension static final LocalRedis local = new LocalRedis();}.
 */
final class LocalRedis implements BeforeAllCallback, AfterAllCallback {

    private RedisServer server;
    private Vertx vertx;
    private Redis redis;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = RedisServer.start();
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())
                .setMaxPoolSize(4).setMaxPoolWaiting(1000));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        server.stop();
    }

    RedisServer server() {
        return server;
    }

    Vertx vertx() {
        return vertx;
    }

    Redis redis() {
        return redis;
    }

    /** A pipeline over this Redis with generous deadlines, for tests of its batching. */
    RedisPipeline pipeline(java.util.function.Supplier<Redis> clients, int depth, int maxBatch,
            java.util.function.IntConsumer batches) {
        return new RedisPipeline(clients, vertx, new RedisPipeline.Limits(depth, maxBatch,
                java.time.Duration.ofSeconds(10), 100_000), batches, () -> { }, n -> { });
    }
}
