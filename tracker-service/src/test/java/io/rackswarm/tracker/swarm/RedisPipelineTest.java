package io.rackswarm.tracker.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.rackswarm.testsupport.RedisServer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pipeline against a real redis-server: answers reach their own callers, in batches. */
class RedisPipelineTest {

    private static RedisServer server;
    private static Vertx vertx;
    private static Redis redis;

    @BeforeAll
    static void start() {
        server = RedisServer.start();
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(server.url())
                .setMaxPoolSize(4).setMaxPoolWaiting(1000));
    }

    @AfterAll
    static void stop() {
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        server.stop();
    }

    /** Sends {@code n} commands from one event loop at once, as a burst of announces would. */
    private static List<String> burst(RedisPipeline pipeline, int n,
            java.util.function.IntFunction<Uni<Response>> command) {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            List<Uni<String>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(command.apply(i).map(Response::toString));
            }
            Uni.join().all(calls).andFailFast().subscribe().with(done::complete,
                    done::completeExceptionally);
        });
        return done.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    private static Uni<Response> echo(RedisPipeline pipeline, String text) {
        return pipeline.send(List.of(Request.cmd(Command.ECHO).arg(text))).map(r -> r.get(0));
    }

    @Test
    void givenBurstOfCommands_thenEachCallerGetsItsOwnAnswerAndWritesAreBatched() {
        List<Integer> batches = new CopyOnWriteArrayList<>();
        RedisPipeline pipeline = new RedisPipeline(() -> redis, 2, 64, batches::add);

        List<String> answers = burst(pipeline, 1000,
                i -> echo(pipeline, "answer-" + i));

        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i)).isEqualTo("answer-" + i);
        }
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
        assertThat(batches).allMatch(b -> b <= 64);
        // Two commands leave at once (the depth); the rest waited and left together.
        assertThat(batches.size()).isLessThan(100);
    }

    @Test
    void givenScriptMissingFromRedis_thenEveryBatchedCallerRecovers() throws Exception {
        RedisPipeline pipeline = new RedisPipeline(() -> redis, 1, 128, b -> { });
        LuaScript script = LuaScript.of("return 'script-' .. ARGV[1]");
        server.command("SCRIPT", "FLUSH");

        List<String> answers = burst(pipeline, 300,
                i -> script.runWith(pipeline, List.of(), List.of(Integer.toString(i)), List.of())
                        .map(r -> r.get(0)));

        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i)).isEqualTo("script-" + i);
        }
    }

    @Test
    void givenRedisDown_thenCallersFailAndTheLaneKeepsWorkingAfterwards() throws Exception {
        RedisPipeline pipeline = new RedisPipeline(() -> redis, 2, 64, b -> { });
        server.stop();
        try {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            vertx.runOnContext(v -> pipeline.send(List.of(Request.cmd(Command.PING))).subscribe()
                    .with(r -> failure.complete(null), failure::complete));
            assertThat(failure.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join())
                    .isNotNull();
        } finally {
            server.restart();
        }
        List<String> answers = burst(pipeline, 50,
                i -> echo(pipeline, "again-" + i)
                        .onFailure().retry().withBackOff(Duration.ofMillis(50)).atMost(20));
        assertThat(answers).hasSize(50).allMatch(a -> a.startsWith("again-"));
    }
}
