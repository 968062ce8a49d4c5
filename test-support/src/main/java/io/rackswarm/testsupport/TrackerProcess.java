package io.rackswarm.testsupport;

import io.rackswarm.core.token.AnnounceToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The real tracker, started from its built jar ({@code tracker-service/target/quarkus-app}) with
 * its own redis-server, for tests of the modules that talk to it.
 */
public final class TrackerProcess implements AutoCloseable {

    /** Seeders sign their origin tokens with it. */
    public static final String ORIGIN_SECRET = "process-origin-secret-0123456789";
    /** Agents outside Kubernetes sign their node tokens with it. */
    public static final String NODE_SECRET = "process-node-secret-0123456789";
    public static final String ADMIN_TOKEN = "process-admin-token-0123456789";
    /** System property naming the tracker's quarkus-run.jar. */
    public static final String JAR_PROPERTY = "rackswarm.tracker.jar";

    private final RedisServer redis;
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AnnounceToken origins = new AnnounceToken(List.of(ORIGIN_SECRET));
    private final AnnounceToken nodes = new AnnounceToken(List.of(NODE_SECRET));

    private TrackerProcess(RedisServer redis, Process process, int port) {
        this.redis = redis;
        this.process = process;
        this.port = port;
    }

    public static TrackerProcess start(Path logDir) throws IOException, InterruptedException {
        return start(logDir, Map.of());
    }

    /**
     * @param settings extra environment for the tracker, e.g. {@code RACKSWARM_TRACKER_PEER_TTL}
     */
    public static TrackerProcess start(Path logDir, Map<String, String> settings)
            throws IOException, InterruptedException {
        return start(logDir, RedisServer.freePort(), settings);
    }

    /** Starts the tracker on a port chosen beforehand (a client was configured with it). */
    public static TrackerProcess start(Path logDir, int port, Map<String, String> settings)
            throws IOException, InterruptedException {
        String jar = System.getProperty(JAR_PROPERTY);
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("the tracker jar is missing (" + jar + "): build "
                    + "tracker-service first, e.g. mvn verify from the repository root");
        }
        RedisServer redis = RedisServer.start();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin",
                "java").toString(), "-jar", jar)
                .redirectErrorStream(true)
                .redirectOutput(logDir.resolve("tracker.log").toFile());
        pb.environment().put("RACKSWARM_TRACKER_ORIGIN_SECRETS", ORIGIN_SECRET);
        pb.environment().put("RACKSWARM_TRACKER_NODE_SECRETS", NODE_SECRET);
        pb.environment().put("RACKSWARM_TRACKER_ADMIN_TOKEN", ADMIN_TOKEN);
        pb.environment().put("QUARKUS_REDIS_HOSTS", redis.url());
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().putAll(settings);
        TrackerProcess tracker = new TrackerProcess(redis, pb.start(), port);
        tracker.awaitReady(logDir);
        return tracker;
    }

    private void awaitReady(Path logDir) throws IOException, InterruptedException {
        if (!Processes.awaitHttp(process, URI.create(baseUrl() + "/q/health/ready"),
                status -> status == 200, Duration.ofSeconds(60))) {
            close();
            throw new IllegalStateException("tracker did not become ready:\n"
                    + Files.readString(logDir.resolve("tracker.log")));
        }
    }

    /** The tracker's own Redis, e.g. to flush it as a restart without persistence would. */
    public RedisServer redis() {
        return redis;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The announce URL a node with this identity uses; a rack and zone are optional. */
    public String announceUrl(String identity, String zone, String rack) {
        return baseUrl() + "/announce?token="
                + (identity.startsWith("origin/") ? origins : nodes).mint(identity)
                + (zone == null ? "" : "&zone=" + zone) + (rack == null ? "" : "&rack=" + rack);
    }

    /**
     * Announces as a leecher that wants the whole torrent, as a client does, and returns the
     * tracker's bencoded answer: what a downloader starting now would be told.
     */
    public io.rackswarm.core.bencode.BDict announceAsLeecher(String infoHashHex,
            String identity, int port, long left) throws IOException, InterruptedException {
        StringBuilder ih = new StringBuilder();
        for (byte b : java.util.HexFormat.of().parseHex(infoHashHex)) {
            ih.append('%').append(String.format("%02X", b & 0xff));
        }
        String peerId = ("-LE0001-" + identity + "000000000000").substring(0, 20);
        byte[] body = http.send(HttpRequest.newBuilder(URI.create(announceUrl(identity, null,
                        null) + "&info_hash=" + ih + "&peer_id=" + peerId + "&port=" + port
                        + "&uploaded=0&downloaded=0&left=" + left + "&compact=1")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        return (io.rackswarm.core.bencode.BDict) io.rackswarm.core.bencode.Bencode.decode(body);
    }

    /** Registers a torrent as a seeder would; returns the HTTP status. */
    public int register(String infoHashHex, String digest, long size)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/torrents/"
                                + infoHashHex))
                        .header("Authorization", "Bearer " + ADMIN_TOKEN)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"digest\":\"" + digest
                                + "\",\"size\":" + size + "}"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** The registration API's JSON about a torrent. */
    public String torrentInfo(String infoHashHex) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/torrents/"
                        + infoHashHex)).header("Authorization", "Bearer " + ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /**
     * Waits until the registration API's JSON about a torrent contains {@code text} (say, a
     * digest that a seeder registers in the background, or {@code "seeders":1}).
     *
     * @return that JSON
     * @throws AssertionError when it does not within {@code timeout}
     */
    public String awaitTorrentInfo(String infoHashHex, String text, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String info = "";
        while (System.nanoTime() < deadline) {
            info = torrentInfo(infoHashHex);
            if (info.contains(text)) {
                return info;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the tracker never said " + text + " of " + infoHashHex
                + " within " + timeout + "; last: " + info);
    }

    /** Unregisters a torrent and drops its swarm, as a Redis that lost its data would. */
    public int unregister(String infoHashHex) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/torrents/"
                        + infoHashHex)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                        .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Override
    public void close() {
        Processes.stop(process);
        redis.stop();
    }
}
