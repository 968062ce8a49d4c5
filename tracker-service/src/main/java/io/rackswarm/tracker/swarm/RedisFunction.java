package io.rackswarm.tracker.swarm;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * Lua code that defines one entry function {@code entry(KEYS, ARGV)}, run as a Redis Function:
 * loaded once as a library ({@code FUNCTION LOAD}) and called by name ({@code FCALL}). Redis then
 * makes the code's local functions once, when it loads the library; run by {@code EVALSHA}, a
 * script makes them again on every call (about 750 instructions each, measured with callgrind).
 *
 * <p>The library and the function are named after a digest of the code, so replicas with other
 * settings (other code) keep their own beside it. When Redis does not have the function (first
 * use, a restart without persistence, {@code FUNCTION FLUSH}), one load is sent, shared by the
 * calls that missed it meanwhile, and the call is repeated. A call that misses again (in Redis
 * Cluster the load goes to any node, not necessarily the swarm's) runs the same code as a script
 * instead, so every call is answered. A Redis that refuses the load (before 7.0, or an ACL that
 * denies {@code FUNCTION}) gets only the script from then on.
 */
final class RedisFunction {

    private static final org.jboss.logging.Logger LOG =
            org.jboss.logging.Logger.getLogger(RedisFunction.class);

    private final String name;
    private final Request load;
    private final LuaScript script;
    /** The load in flight or last sent: calls that miss the function meanwhile wait for it. */
    private Future<List<Response>> loading;
    /** Whether Redis refused the load (no such command, or an ACL): then only the script runs. */
    private volatile boolean unsupported;

    private RedisFunction(String code, String entry) {
        String id = LuaScript.sha1Hex(code + "\0" + entry).substring(0, 16);
        this.name = "rackswarm_" + entry + "_" + id;
        this.load = Request.cmd(Command.FUNCTION).arg("LOAD").arg("REPLACE")
                .arg("#!lua name=rackswarm_" + id + "\n" + code + "\nredis.register_function('"
                        + name + "', " + entry + ")\n");
        this.script = LuaScript.of(code + "\nreturn " + entry + "(KEYS, ARGV)\n");
    }

    /**
     * @param code Lua code that defines a local function {@code entry(KEYS, ARGV)} and returns
     *     nothing
     */
    static RedisFunction of(String code, String entry) {
        if (!entry.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a Lua name: " + entry);
        }
        return new RedisFunction(code, entry);
    }

    /** The function's name in Redis. */
    String name() {
        return name;
    }

    /**
     * Calls the function and, in the same write, plain commands after it (reads that need no
     * Lua); answers with the function's response first.
     */
    Future<List<Response>> runWith(RedisPipeline pipeline, List<String> keys, List<String> args,
            List<Request> alongside) {
        if (unsupported) {
            return script.runWith(pipeline, keys, args, alongside);
        }
        return pipeline.send(group(keys, args, alongside), LuaScript.routing(keys)).recover(missed -> {
            if (!isMissing(missed)) {
                return Future.failedFuture(missed);
            }
            return load(pipeline).transform(loaded -> {
                if (loaded.failed()) {
                    if (isRefused(loaded.cause()) && !unsupported) {
                        unsupported = true;
                        LOG.warnf("Redis refused to load %s (%s): announces run as a script"
                                + " (EVALSHA) until this replica restarts", name,
                                loaded.cause().getMessage());
                    }
                    return script.runWith(pipeline, keys, args, alongside);
                }
                return pipeline.send(group(keys, args, alongside), LuaScript.routing(keys)).recover(again -> isMissing(again)
                        ? script.runWith(pipeline, keys, args, alongside)
                        : Future.failedFuture(again));
            });
        });
    }

    private synchronized Future<List<Response>> load(RedisPipeline pipeline) {
        if (loading == null || loading.isComplete()) {
            loading = pipeline.send(List.of(load));
        }
        return loading;
    }

    private List<Request> group(List<String> keys, List<String> args, List<Request> alongside) {
        return LuaScript.group(LuaScript.call(Command.FCALL, name, keys, args), alongside);
    }

    /**
     * Redis does not have the function, or (before 7.0) knows no FCALL. Sent with other
     * commands, the error reads "ERR [i] ..." around Redis's own message.
     */
    private static boolean isMissing(Throwable e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("Function not found") || isUnknownCommand(e);
    }

    private static boolean isUnknownCommand(Throwable e) {
        return String.valueOf(e.getMessage()).contains("unknown command");
    }

    /** Redis answered the load with a refusal, not a failure to reach it. */
    private static boolean isRefused(Throwable e) {
        return isUnknownCommand(e) || String.valueOf(e.getMessage()).contains("NOPERM");
    }
}
