package io.rackswarm.tracker.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Lua run as a Redis Function against a real redis-server: loaded when missing, else a script. */
class RedisFunctionTest {

    private static final String ECHO =
            "local function echo(KEYS, ARGV) return PREFIX .. ARGV[1] end";

    @RegisterExtension
    static final LocalRedis local = new LocalRedis();

    @BeforeEach
    void emptyRedis() throws Exception {
        local.server().command("FUNCTION", "FLUSH");
        local.server().command("SCRIPT", "FLUSH");
        local.server().command("CONFIG", "RESETSTAT");
    }

    private static RedisFunction echo(String prefix) {
        return RedisFunction.of("local PREFIX = '" + prefix + "'\n" + ECHO, "echo");
    }

    /** Calls the function {@code n} times from one event loop at once. */
    private static List<String> burst(RedisPipeline pipeline, RedisFunction function, int n) {
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        local.vertx().runOnContext(v -> {
            List<Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(function.runWith(pipeline, List.of(), List.of(Integer.toString(i)),
                        List.of()).map(r -> r.get(0).toString()));
            }
            Future.all(calls).onComplete(ar -> {
                if (ar.succeeded()) {
                    done.complete(calls.stream().map(Future::result).toList());
                } else {
                    done.completeExceptionally(ar.cause());
                }
            });
        });
        return done.orTimeout(30, TimeUnit.SECONDS).join();
    }

    /** How often Redis ran a command since the last reset, from INFO commandstats. */
    private static long calls(String command) throws Exception {
        Matcher m = Pattern.compile("cmdstat_" + Pattern.quote(command) + ":calls=(\\d+)")
                .matcher(local.server().command("INFO", "commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static List<String> expected(String prefix, int n) {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(prefix + i);
        }
        return answers;
    }

    @Test
    void givenFunctionMissingFromRedis_thenBatchedCallersShareFewLoadsAndCallItAfterwards()
            throws Exception {
        RedisPipeline pipeline = local.pipeline(() -> local.redis(), 1, 128, b -> { });
        RedisFunction function = echo("fn-");

        assertThat(burst(pipeline, function, 300)).isEqualTo(expected("fn-", 300));

        assertThat(local.server().command("FUNCTION", "LIST")).contains(function.name());
        // 300 calls missed the function; they waited for loads in flight instead of each
        // sending its own.
        assertThat(calls("function|load")).isBetween(1L, 5L);
        long before = calls("fcall");
        assertThat(burst(pipeline, function, 10)).isEqualTo(expected("fn-", 10));
        assertThat(calls("fcall") - before).isEqualTo(10);
        assertThat(calls("evalsha") + calls("eval")).isZero();
    }

    @Test
    void givenTwoSettings_thenEachHasItsOwnLibraryBesideTheOther() throws Exception {
        RedisPipeline pipeline = local.pipeline(() -> local.redis(), 2, 64, b -> { });
        RedisFunction a = echo("a-");
        RedisFunction b = echo("b-");
        assertThat(a.name()).isNotEqualTo(b.name());

        assertThat(burst(pipeline, a, 20)).isEqualTo(expected("a-", 20));
        assertThat(burst(pipeline, b, 20)).isEqualTo(expected("b-", 20));
        // Loading b left a in place: a's next calls need no load.
        long loads = calls("function|load");
        assertThat(burst(pipeline, a, 20)).isEqualTo(expected("a-", 20));
        assertThat(calls("function|load")).isEqualTo(loads);
    }

    @Test
    void givenLoadRefused_thenCallsRunAsScript() throws Exception {
        local.server().command("ACL", "SETUSER", "noload", "reset", "on", "nopass", "~*", "&*",
                "+@all", "-function");
        Redis limited = Redis.createClient(local.vertx(), new RedisOptions()
                .setConnectionString("redis://noload:any@127.0.0.1:" + local.server().port()));
        try {
            RedisPipeline pipeline = local.pipeline(() -> limited, 1, 128, b -> { });
            RedisFunction function = echo("script-");

            assertThat(burst(pipeline, function, 50)).isEqualTo(expected("script-", 50));

            assertThat(local.server().command("FUNCTION", "LIST")).isEmpty();
            assertThat(calls("evalsha") + calls("eval")).isGreaterThanOrEqualTo(50);
            // Refused once, the load is not tried again: later calls go straight to the script.
            long loads = calls("function|load");
            long fcalls = calls("fcall");
            assertThat(burst(pipeline, function, 20)).isEqualTo(expected("script-", 20));
            assertThat(calls("function|load")).isEqualTo(loads);
            assertThat(calls("fcall")).isEqualTo(fcalls);
        } finally {
            limited.close();
            local.server().command("ACL", "DELUSER", "noload");
        }
    }
}
