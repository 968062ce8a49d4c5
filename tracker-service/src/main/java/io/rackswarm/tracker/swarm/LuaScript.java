package io.rackswarm.tracker.swarm;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
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
        this.sha = sha1Hex(source);
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

    /** The SHA-1 of a text in hex, as Redis names scripts. */
    static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    }

    Uni<io.vertx.mutiny.redis.client.Response> run(Redis redis, List<String> keys,
            List<String> args) {
        return redis.send(io.vertx.mutiny.redis.client.Request.newInstance(
                        call(Command.EVALSHA, sha, keys, args)))
                .onFailure(LuaScript::isNoScript)
                .recoverWithUni(() -> redis.send(io.vertx.mutiny.redis.client.Request
                        .newInstance(call(Command.EVAL, source, keys, args))));
    }

    /**
     * Runs the script and, in the same write, plain commands after it (reads that need no
     * Lua); answers with the script's response first.
     */
    Future<List<Response>> runWith(RedisPipeline pipeline, List<String> keys, List<String> args,
            List<Request> alongside) {
        return pipeline.send(group(call(Command.EVALSHA, sha, keys, args), alongside),
                routing(keys))
                .recover(e -> isNoScript(e)
                        ? pipeline.send(group(call(Command.EVAL, source, keys, args), alongside),
                                routing(keys))
                        : Future.failedFuture(e));
    }

    /** The key that routes a call on Redis Cluster: all of a call's keys share one slot. */
    static String routing(List<String> keys) {
        return keys.isEmpty() ? null : keys.get(0);
    }

    /** A call first, then the plain commands written after it. */
    static List<Request> group(Request call, List<Request> alongside) {
        List<Request> all = new ArrayList<>(1 + alongside.size());
        all.add(call);
        all.addAll(alongside);
        return all;
    }

    /**
     * A call of Lua code as Redis takes it for scripts and functions alike ({@code EVAL},
     * {@code EVALSHA}, {@code FCALL}): what to run, the number of keys, the keys, the arguments.
     */
    static Request call(Command command, String target, List<String> keys, List<String> args) {
        Request r = Request.cmd(command).arg(target).arg(keys.size());
        keys.forEach(r::arg);
        args.forEach(r::arg);
        return r;
    }

    /**
     * Redis lost its script cache (restart, failover, SCRIPT FLUSH). Sent with other commands,
     * the error reads "ERR [i] NOSCRIPT ...".
     */
    private static boolean isNoScript(Throwable e) {
        String message = String.valueOf(e.getMessage());
        return message.startsWith("NOSCRIPT") || message.contains("] NOSCRIPT ");
    }
}
