package io.rackswarm.seeder.mirror;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.rackswarm.testsupport.RedisServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in upstream registry (docker-registry cannot be made to pause) that sends the first
 * half of a blob, then waits for a test's go before the rest: a cold pull is under way, with
 * half of its bytes at the seeder, for as long as the test needs. It serves two blobs: one
 * whose bytes match its digest ({@link #good}), and one whose second half is other bytes
 * ({@link #tampered}). The tracker is down: serving does not need it.
 *
 * <p>Tests steer it over HTTP ({@code POST /control/hold}, {@code POST /control/go}): a test
 * resource's statics are not the test's (Quarkus loads the test class in its own class loader).
 */
public class PausingUpstreamResource implements QuarkusTestResourceLifecycleManager {

    static final int SIZE = 4 * 1024 * 1024;
    static byte[] good;
    static String goodDigest;
    static String tamperedDigest;
    /** A third good blob, for HEAD and Range requests during a pull. */
    static byte[] other;
    static String otherDigest;
    private static volatile CountDownLatch go = new CountDownLatch(1);
    private static HttpServer server;
    private static Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("seeder-pausing");
            good = new byte[SIZE];
            new Random(11).nextBytes(good);
            goodDigest = "sha256:" + sha256(good);
            other = new byte[SIZE];
            new Random(13).nextBytes(other);
            otherDigest = "sha256:" + sha256(other);
            byte[] claimed = new byte[SIZE];
            new Random(12).nextBytes(claimed);
            tamperedDigest = "sha256:" + sha256(claimed);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/control/", exchange -> {
                if (exchange.getRequestURI().getPath().endsWith("/hold")) {
                    go = new CountDownLatch(1);
                } else {
                    go.countDown();
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.createContext("/v2/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                byte[] body = path.endsWith(goodDigest) ? good
                        : path.endsWith(otherDigest) ? other
                        : path.endsWith(tamperedDigest) ? tampered(claimed) : null;
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body, 0, body.length / 2);
                    out.flush();
                    go.await(60, TimeUnit.SECONDS);
                    out.write(body, body.length / 2, body.length - body.length / 2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException clientGone) {
                    // the seeder hung up
                }
            });
            server.start();
            String host = "127.0.0.1:" + server.getAddress().getPort();
            Map<String, String> config = new java.util.HashMap<>(UpstreamResource.seederConfig(
                    dir.resolve("cache"), host, "http://127.0.0.1:" + RedisServer.freePort()));
            // Held back longer than this, a pull resumes; tests release it well before.
            config.put("rackswarm.seeder.upstream-stall-timeout", "10s");
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the stand-in upstream", e);
        }
    }

    /** The claimed blob's first half, then other bytes. */
    private static byte[] tampered(byte[] claimed) {
        byte[] b = claimed.clone();
        for (int i = b.length / 2; i < b.length; i++) {
            b[i] ^= 0x5a;
        }
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Override
    public void stop() {
        go.countDown();
        if (server != null) {
            server.stop(0);
        }
    }
}
