package io.rackswarm.tracker.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pipeline against a real redis-server: answers reach their own callers, in batches. */
class RedisPipelineTest {

    @RegisterExtension
    static final LocalRedis local = new LocalRedis();

    /** Sends {@code n} commands from one event loop at once, as a burst of announces would. */
    private static List<String> burst(RedisPipeline pipeline, int n,
            java.util.function.IntFunction<Future<Response>> command) {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        local.vertx().runOnContext(v -> {
            List<Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(command.apply(i).map(Response::toString));
            }
            Future.all(calls).onComplete(ar -> {
                if (ar.succeeded()) {
                    done.complete(calls.stream().map(Future::result).toList());
                } else {
                    done.completeExceptionally(ar.cause());
                }
            });
        });
        return done.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    private static Future<Response> echo(RedisPipeline pipeline, String text) {
        return pipeline.send(List.of(Request.cmd(Command.ECHO).arg(text))).map(r -> r.get(0));
    }

    /** Retries a call every 50 ms until it succeeds, at most {@code attempts} times. */
    private static Future<Response> retried(java.util.function.Supplier<Future<Response>> call,
            int attempts) {
        return call.get().recover(e -> {
            if (attempts <= 1) {
                return Future.failedFuture(e);
            }
            io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
            local.vertx().setTimer(50, t -> later.complete());
            return later.future().compose(v -> retried(call, attempts - 1));
        });
    }

    @Test
    void givenBurstOfCommands_thenEachCallerGetsItsOwnAnswerAndWritesAreBatched() {
        List<Integer> batches = new CopyOnWriteArrayList<>();
        RedisPipeline pipeline = local.pipeline(() -> local.redis(), 2, 64, batches::add);

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
    void givenRoomForManyBatches_thenCommandsOfOneEventLoopTurnStillLeaveTogether() {
        List<Integer> batches = new CopyOnWriteArrayList<>();
        RedisPipeline pipeline = local.pipeline(() -> local.redis(), 32, 64, batches::add);

        List<String> answers = burst(pipeline, 100, i -> echo(pipeline, "turn-" + i));

        assertThat(answers).hasSize(100);
        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i)).isEqualTo("turn-" + i);
        }
        // Not one write per command while the depth has room: the turn's 100 fill batches.
        assertThat(batches).containsExactly(64, 36);
    }

    @Test
    void givenScriptMissingFromRedis_thenEveryBatchedCallerRecovers() throws Exception {
        RedisPipeline pipeline = local.pipeline(() -> local.redis(), 1, 128, b -> { });
        LuaScript script = LuaScript.of("return 'script-' .. ARGV[1]");
        local.server().command("SCRIPT", "FLUSH");

        List<String> answers = burst(pipeline, 300,
                i -> script.runWith(pipeline, List.of(), List.of(Integer.toString(i)), List.of())
                        .map(r -> r.get(0)));

        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i)).isEqualTo("script-" + i);
        }
    }

    @Test
    void givenRedisDown_thenCallersFailAndTheLaneKeepsWorkingAfterwards() throws Exception {
        RedisPipeline pipeline = local.pipeline(() -> local.redis(), 2, 64, b -> { });
        local.server().stop();
        try {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            local.vertx().runOnContext(v -> pipeline.send(List.of(Request.cmd(Command.PING)))
                    .onComplete(ar -> failure.complete(ar.cause())));
            assertThat(failure.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join())
                    .isNotNull();
        } finally {
            local.server().restart();
        }
        List<String> answers = burst(pipeline, 50,
                i -> retried(() -> echo(pipeline, "again-" + i), 20));
        assertThat(answers).hasSize(50).allMatch(a -> a.startsWith("again-"));
    }

    @Test
    void givenRedisFrozen_thenQueuedCommandsFailAtTheirDeadlineAndAFullQueueShedsAtOnce()
            throws Exception {
        java.util.concurrent.atomic.AtomicInteger shed =
                new java.util.concurrent.atomic.AtomicInteger();
        // A client of its own: the other tests' lanes hold the shared client's connections.
        RedisPipeline pipeline = new RedisPipeline(() -> io.vertx.redis.client.Redis.createClient(
                local.vertx(), local.server().url()), local.vertx(),
                new RedisPipeline.Limits(1, 1, java.time.Duration.ofMillis(300), 3), b -> { },
                shed::incrementAndGet, n -> { });
        assertThat(burst(pipeline, 1, i -> echo(pipeline, "warm"))).containsExactly("warm");
        local.server().pause();
        try {
            CompletableFuture<List<Throwable>> failures = new CompletableFuture<>();
            local.vertx().runOnContext(v -> {
                List<Future<Response>> calls = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    calls.add(echo(pipeline, "x" + i));
                }
                Future.join(calls).onComplete(ar -> failures.complete(calls.stream()
                        .map(Future::cause).toList()));
            });
            List<Throwable> causes = failures.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(causes).allSatisfy(c -> assertThat(c)
                    .isInstanceOf(RedisUnavailableException.class));
            // Commands leave at the end of the loop's turn: three queued, three turned away.
            assertThat(shed.get()).isEqualTo(3);
        } finally {
            local.server().resume();
        }
        assertThat(burst(pipeline, 1, i -> retried(() -> echo(pipeline, "back"), 100)))
                .containsExactly("back");
        pipeline.close();
    }
}
