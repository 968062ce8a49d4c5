package io.rackswarm.tracker.swarm;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run by its SHA-1 ({@code EVALSHA}); when Redis has not cached it (first use,
 * restart, failover) it is sent once in full and the call is repeated.
 */
final class LuaScript {

    private final String source;
    private final String sha;

    private LuaScript(String source) {
        this.source = source;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    }

    static LuaScript of(String source) {
        return new LuaScript(source);
    }

    static LuaScript load(String resource) {
        return new LuaScript(text(resource));
    }

    /** The text of a script resource, for scripts that are completed before loading. */
    static String text(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Uni<Response> run(Redis redis, List<String> keys, List<String> args) {
        return redis.send(request(Command.EVALSHA, sha, keys, args))
                .onFailure(LuaScript::isNoScript)
                .recoverWithUni(() -> redis.send(request(Command.EVAL, source, keys, args)));
    }

    /**
     * Runs the script and, in the same write, plain commands after it (reads that need no
     * Lua); answers with the script's response first.
     */
    io.vertx.core.Future<List<io.vertx.redis.client.Response>> runWith(RedisPipeline pipeline,
            List<String> keys, List<String> args, List<io.vertx.redis.client.Request> alongside) {
        return pipeline.send(group(request(Command.EVALSHA, sha, keys, args), alongside))
                .recover(e -> isNoScript(e)
                        ? pipeline.send(group(request(Command.EVAL, source, keys, args), alongside))
                        : io.vertx.core.Future.failedFuture(e));
    }

    private static List<io.vertx.redis.client.Request> group(Request script,
            List<io.vertx.redis.client.Request> alongside) {
        List<io.vertx.redis.client.Request> all = new java.util.ArrayList<>(1 + alongside.size());
        all.add(script.getDelegate());
        all.addAll(alongside);
        return all;
    }

    /**
     * Redis lost its script cache (restart, failover, SCRIPT FLUSH). Sent with other commands,
     * the error reads "ERR [i] NOSCRIPT ...".
     */
    private static boolean isNoScript(Throwable e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith("NOSCRIPT") || message.contains("] NOSCRIPT ");
    }

    private static Request request(Command command, String script, List<String> keys,
            List<String> args) {
        Request r = Request.cmd(command).arg(script).arg(keys.size());
        keys.forEach(r::arg);
        args.forEach(r::arg);
        return r;
    }
}
