package io.rackswarm.seeder.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.Reference;
import io.rackswarm.core.cache.BlobCache;
import io.rackswarm.testsupport.OciLayout;
import io.rackswarm.testsupport.RedisServer;
import io.rackswarm.testsupport.RegistryServer;
import io.rackswarm.testsupport.TokenServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against real docker-registry processes holding images pushed with skopeo. */
class RegistryClientTest {

    @TempDir
    static Path dir;

    static RegistryServer open;
    static RegistryServer locked;
    static TokenServer tokens;
    static RegistryServer bearer;
    static OciLayout.Image amd64;
    static OciLayout.Image arm64;
    static OciLayout.Blob index;

    @BeforeAll
    static void pushImages() throws Exception {
        OciLayout single = OciLayout.create(dir.resolve("single"));
        amd64 = single.image("amd64", 1, 300_000, 70_000);
        single.tag(OciLayout.MANIFEST, amd64.manifest(), "v1");

        OciLayout multi = OciLayout.create(dir.resolve("multi"));
        OciLayout.Image m1 = multi.image("amd64", 2, 50_000);
        arm64 = multi.image("arm64", 3, 60_000);
        index = multi.index(List.of(m1, arm64), List.of("amd64", "arm64"));
        multi.tag(OciLayout.INDEX, index, "v2");

        open = RegistryServer.start(dir.resolve("open"));
        open.push(single.dir(), "v1", "team/app", "v1");
        open.push(multi.dir(), "v2", "team/multi", "v2");
        open.push(single.dir(), "v1", "team/docker", "v1", "v2s2");
        locked = RegistryServer.start(dir.resolve("locked"), "puller", "s3cret-pass");
        locked.push(single.dir(), "v1", "private/app", "v1");
        tokens = TokenServer.start(dir.resolve("tokens"), "hubuser", "hub-pass-123");
        bearer = RegistryServer.startWithTokenAuth(dir.resolve("bearer"), tokens, "hubuser",
                "hub-pass-123");
        bearer.push(single.dir(), "v1", "org/private", "v1");
    }

    @AfterAll
    static void stop() {
        if (open != null) {
            open.close();
        }
        if (locked != null) {
            locked.close();
        }
        if (bearer != null) {
            bearer.close();
        }
        if (tokens != null) {
            tokens.close();
        }
    }

    private static RegistryClient client(Credentials credentials, String... hosts) {
        return new RegistryClient(credentials, new RegistryClient.Settings(Set.of(hosts), 3,
                Duration.ofMillis(20), Duration.ofSeconds(10), Duration.ofSeconds(1)));
    }

    @Test
    void givenSinglePlatformImage_whenManifestAndBlobsAreRead_thenBytesAndDigestsMatch()
            throws Exception {
        RegistryClient c = client(Credentials.none(), open.host());
        Manifest m = c.manifest(Reference.parse(open.host() + "/team/app:v1"));
        assertThat(m.digest().toString()).isEqualTo(amd64.manifest().digest());
        assertThat(m.mediaType()).isEqualTo(Manifest.OCI_MANIFEST);
        assertThat(m.isIndex()).isFalse();
        Manifest byDigest = c.manifest(Reference.parse(open.host() + "/team/app@" + m.digest()));
        assertThat(byDigest.bytes()).isEqualTo(m.bytes());
        OciLayout.Blob layer = amd64.layers().get(0);
        try (var in = c.blob(open.host(), new io.rackswarm.core.oci.Repository("team/app"),
                Digest.parse(layer.digest()))) {
            assertThat(in.readAllBytes()).isEqualTo(layer.bytes());
        }
    }

    @Test
    void givenMultiArchIndex_thenTheIndexAndEachPlatformManifestAreServed() {
        RegistryClient c = client(Credentials.none(), open.host());
        Manifest idx = c.manifest(Reference.parse(open.host() + "/team/multi:v2"));
        assertThat(idx.isIndex()).isTrue();
        assertThat(idx.digest().toString()).isEqualTo(index.digest());
        assertThat(new String(idx.bytes(), StandardCharsets.UTF_8))
                .contains(arm64.manifest().digest());
        Manifest arm = c.manifest(Reference.parse(open.host() + "/team/multi@"
                + arm64.manifest().digest()));
        assertThat(arm.mediaType()).isEqualTo(Manifest.OCI_MANIFEST);
    }

    @Test
    void givenDockerSchema2Image_thenItsManifestAndLayersAreServed() throws Exception {
        RegistryClient c = client(Credentials.none(), open.host());
        Manifest m = c.manifest(Reference.parse(open.host() + "/team/docker:v1"));
        assertThat(m.mediaType()).isEqualTo(Manifest.DOCKER_MANIFEST);
        assertThat(new String(m.bytes(), StandardCharsets.UTF_8))
                .contains(amd64.layers().get(0).digest());
        try (var in = c.blob(open.host(), new io.rackswarm.core.oci.Repository("team/docker"),
                Digest.parse(amd64.layers().get(0).digest()))) {
            assertThat(in.readAllBytes()).isEqualTo(amd64.layers().get(0).bytes());
        }
    }

    @Test
    void givenUnknownTagOrBlob_then404() {
        RegistryClient c = client(Credentials.none(), open.host());
        assertThatThrownBy(() -> c.manifest(Reference.parse(open.host() + "/team/app:nope")))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("not found")
                .extracting(e -> ((UpstreamException) e).status()).isEqualTo(404);
    }

    @Test
    void givenRegistryDemandingBasicAuth_thenCredentialsFromDockerConfigAreUsed() throws Exception {
        Reference ref = Reference.parse(locked.host() + "/private/app:v1");
        assertThatThrownBy(() -> client(Credentials.none(), locked.host()).manifest(ref))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("demands credentials");
        Credentials wrong = Credentials.of(java.util.Map.of(locked.host(),
                new Credentials.Login("puller", "wrong")));
        assertThatThrownBy(() -> client(wrong, locked.host()).manifest(ref))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("refused access");

        String auth = Base64.getEncoder().encodeToString("puller:s3cret-pass".getBytes());
        Credentials fromSecret = Credentials.parseDockerConfig(
                "{\"auths\":{\"http://" + locked.host() + "\":{\"auth\":\"" + auth + "\"}}}");
        Manifest m = client(fromSecret, locked.host()).manifest(ref);
        assertThat(m.digest().toString()).isEqualTo(amd64.manifest().digest());
    }

    @Test
    void givenRegistryDemandingBearerTokens_thenTheChallengeFlowIsFollowedAndTokensReused()
            throws Exception {
        Reference ref = Reference.parse(bearer.host() + "/org/private:v1");
        assertThatThrownBy(() -> client(Credentials.none(), bearer.host()).manifest(ref))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("refused a token");
        Credentials login = Credentials.of(java.util.Map.of(bearer.host(),
                new Credentials.Login("hubuser", "hub-pass-123")));
        RegistryClient c = client(login, bearer.host());
        int before = tokens.tokensIssued();
        Manifest m = c.manifest(ref);
        assertThat(m.digest().toString()).isEqualTo(amd64.manifest().digest());
        OciLayout.Blob layer = amd64.layers().get(0);
        try (var in = c.blob(bearer.host(), ref.repository(), Digest.parse(layer.digest()))) {
            assertThat(in.readAllBytes()).isEqualTo(layer.bytes());
        }
        // One token for the repository serves the manifest and the blob.
        assertThat(tokens.tokensIssued() - before).isEqualTo(1);
    }

    @Test
    void givenUpstreamDown_thenBoundedRetriesAndA502() throws Exception {
        String nobody = "127.0.0.1:" + RedisServer.freePort();
        long start = System.nanoTime();
        assertThatThrownBy(() -> client(Credentials.none(), nobody)
                .manifest(Reference.parse(nobody + "/team/app:v1")))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("after 3 attempts")
                // A refused connection often has no message of its own: its kind is named then.
                .hasMessageNotContaining(": null")
                .extracting(e -> ((UpstreamException) e).status()).isEqualTo(502);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void givenUpstreamThatStallsMidBlob_thenThePullFailsAndNothingIsCached() throws Exception {
        // docker-registry cannot be made to stall; this stand-in sends the headers and 100 of
        // 1000 bytes, then nothing.
        com.sun.net.httpserver.HttpServer stalling = standIn(exchange -> {
            exchange.sendResponseHeaders(200, 1000);
            exchange.getResponseBody().write(new byte[100]);
            exchange.getResponseBody().flush();
            try {
                Thread.sleep(5000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        try {
            String host = "127.0.0.1:" + stalling.getAddress().getPort();
            RegistryClient c = client(Credentials.none(), host);
            BlobCache cache = BlobCache.open(dir.resolve("stall-cache"), 10_000_000);
            Digest d = Digest.parse("sha256:" + "5".repeat(64));
            long start = System.nanoTime();
            assertThatThrownBy(() -> cache.fetch(d, 1000, digest -> c.blob(host,
                    new io.rackswarm.core.oci.Repository("team/app"), digest), n -> { }))
                    .hasMessageContaining("stalled")
                    .hasMessageContaining("after 100 of 1000 bytes (2 resumes)");
            // Three attempts (two resumes), each given up after the 1 s stall timeout.
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(8));
            assertThat(cache.find(d)).isEmpty();
        } finally {
            stalling.stop(0);
        }
    }

    /** A stand-in upstream answering every request with {@code handler} (docker-registry
     * cannot be made to misbehave). */
    private static com.sun.net.httpserver.HttpServer standIn(
            com.sun.net.httpserver.HttpHandler handler) throws IOException {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        return server;
    }

    @Test
    void givenABlobRedirectedToAnotherHost_thenOurCredentialsStayWithTheRegistry()
            throws Exception {
        // Registries backed by object storage redirect blob reads to it: the bytes come from
        // the other host, and the registry's credentials must not go there.
        byte[] blob = "redirected blob".getBytes(StandardCharsets.UTF_8);
        java.util.List<String> storageSaw = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer storage = standIn(exchange -> {
            storageSaw.add(String.valueOf(exchange.getRequestHeaders().getFirst(
                    "Authorization")));
            exchange.sendResponseHeaders(200, blob.length);
            try (var out = exchange.getResponseBody()) {
                out.write(blob);
            }
        });
        String storageUrl = "http://localhost:" + storage.getAddress().getPort() + "/bucket/x";
        com.sun.net.httpserver.HttpServer registry = standIn(exchange -> {
            if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"r\"");
                exchange.sendResponseHeaders(401, -1);
            } else {
                exchange.getResponseHeaders().add("Location", storageUrl);
                exchange.sendResponseHeaders(307, -1);
            }
            exchange.close();
        });
        try {
            String host = "127.0.0.1:" + registry.getAddress().getPort();
            Credentials login = Credentials.of(java.util.Map.of(host,
                    new Credentials.Login("puller", "s3cret-pass")));
            try (var in = client(login, host).blob(host,
                    new io.rackswarm.core.oci.Repository("team/app"),
                    Digest.parse("sha256:" + "7".repeat(64)))) {
                assertThat(in.readAllBytes()).isEqualTo(blob);
            }
            assertThat(storageSaw).containsOnly("null");
        } finally {
            registry.stop(0);
            storage.stop(0);
        }
    }

    @Test
    void givenAManifestOver4MiB_then502WhetherItsLengthIsDeclaredOrNot() throws Exception {
        byte[] huge = new byte[RegistryClient.MAX_MANIFEST_BYTES + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        for (boolean declared : new boolean[] {true, false}) {
            com.sun.net.httpserver.HttpServer upstream = standIn(exchange -> {
                exchange.getResponseHeaders().add("Content-Type",
                        "application/vnd.oci.image.manifest.v1+json");
                // 0: chunked, no Content-Length.
                exchange.sendResponseHeaders(200, declared ? huge.length : 0);
                try (var out = exchange.getResponseBody()) {
                    out.write(huge);
                } catch (IOException closedEarly) {
                    // the client stopped reading: that is the point
                }
            });
            try {
                String host = "127.0.0.1:" + upstream.getAddress().getPort();
                assertThatThrownBy(() -> client(Credentials.none(), host)
                        .manifest(Reference.parse(host + "/team/app:v1")))
                        .isInstanceOf(UpstreamException.class)
                        .hasMessageContaining("manifests are limited to 4 MiB")
                        .extracting(e -> ((UpstreamException) e).status()).isEqualTo(502);
            } finally {
                upstream.stop(0);
            }
        }
    }

    @Test
    void givenAnUpstreamThatNeverAnswers_thenTheConfiguredRequestTimeoutBoundsEachAttempt()
            throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        com.sun.net.httpserver.HttpServer silent = standIn(exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        try {
            String host = "127.0.0.1:" + silent.getAddress().getPort();
            RegistryClient c = new RegistryClient(Credentials.none(), new RegistryClient.Settings(
                    Set.of(host), 2, Duration.ofMillis(20), Duration.ofMillis(500),
                    Duration.ofSeconds(1)));
            long start = System.nanoTime();
            assertThatThrownBy(() -> c.manifest(Reference.parse(host + "/team/app:v1")))
                    .isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("after 2 attempts")
                    .extracting(e -> ((UpstreamException) e).status()).isEqualTo(502);
            // Two attempts of 0.5 s each, not the 30 s default.
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(5));
        } finally {
            release.countDown();
            silent.stop(0);
        }
    }

    @Test
    void givenABlobAnnouncedLargerThanTheBudget_then507BeforeItIsDownloaded() throws Exception {
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        com.sun.net.httpserver.HttpServer upstream = standIn(exchange -> {
            exchange.sendResponseHeaders(200, 50_000_000);
            byte[] chunk = new byte[64 * 1024];
            try (var out = exchange.getResponseBody()) {
                for (int i = 0; i < 50_000_000 / chunk.length; i++) {
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                }
            } catch (IOException closedEarly) {
                // the seeder hung up, as it should
            }
        });
        try {
            String host = "127.0.0.1:" + upstream.getAddress().getPort();
            RegistryClient c = client(Credentials.none(), host);
            BlobCache cache = BlobCache.open(dir.resolve("small-cache"), 10_000_000);
            Digest d = Digest.parse("sha256:" + "6".repeat(64));
            assertThatThrownBy(() -> cache.fetch(d, -1, digest -> c.blob(host,
                    new io.rackswarm.core.oci.Repository("team/app"), digest), n -> { }))
                    .isInstanceOf(io.rackswarm.core.cache.CacheFullException.class)
                    .hasMessageContaining("50000000 bytes exceeds the cache budget");
            Thread.sleep(200);
            assertThat(sent.get()).as("bytes the upstream managed to send")
                    .isLessThan(10_000_000);
        } finally {
            upstream.stop(0);
        }
    }

    /**
     * A stand-in upstream serving {@code blob} that drops the connection after {@code cut}
     * bytes of each of its first {@code drops} answers; with {@code ranges} it honours
     * {@code Range: bytes=N-} (206), else it sends the whole blob every time. Every Range
     * header it sees goes into {@code asked}.
     */
    private static com.sun.net.httpserver.HttpServer dropping(byte[] blob, int cut, int drops,
            boolean ranges, List<String> asked) throws IOException {
        java.util.concurrent.atomic.AtomicInteger answers =
                new java.util.concurrent.atomic.AtomicInteger();
        return standIn(exchange -> {
            String range = exchange.getRequestHeaders().getFirst("Range");
            if (range != null) {
                asked.add(range);
            }
            int from = 0;
            if (ranges && range != null) {
                from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
                exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-"
                        + (blob.length - 1) + "/" + blob.length);
                exchange.sendResponseHeaders(206, blob.length - from);
            } else {
                exchange.sendResponseHeaders(200, blob.length);
            }
            var out = exchange.getResponseBody();
            try {
                if (answers.getAndIncrement() < drops) {
                    out.write(blob, from, Math.min(cut, blob.length - from));
                    out.flush();
                    // Fewer bytes than promised: closing drops the connection.
                    exchange.close();
                    return;
                }
                out.write(blob, from, blob.length - from);
                out.close();
            } catch (IOException dropped) {
                // as intended
            }
        });
    }

    private static Digest sha256(byte[] bytes) throws Exception {
        return Digest.parse("sha256:" + java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
    }

    /** Pulls {@code blob} from a stand-in upstream into a fresh cache; the cached file. */
    private static Path pullThrough(com.sun.net.httpserver.HttpServer upstream, byte[] blob,
            String cacheName) throws Exception {
        String host = "127.0.0.1:" + upstream.getAddress().getPort();
        RegistryClient c = client(Credentials.none(), host);
        BlobCache cache = BlobCache.open(dir.resolve(cacheName), 10_000_000);
        return cache.fetch(sha256(blob), -1, digest -> c.blob(host,
                new io.rackswarm.core.oci.Repository("team/app"), digest), n -> { });
    }

    @Test
    void givenAnUpstreamThatDropsTheConnectionMidBlob_thenTheRestIsAskedForByRange()
            throws Exception {
        byte[] blob = new byte[3_000_000];
        new java.util.Random(7).nextBytes(blob);
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer upstream = dropping(blob, 1_000_000, 2, true, asked);
        try {
            Path cached = pullThrough(upstream, blob, "resume-cache");
            assertThat(Files.readAllBytes(cached)).isEqualTo(blob);
            // Two drops, two resumes, each from where the last one stopped (what the client
            // had received: bytes in flight when the connection dropped may be lost).
            assertThat(asked).hasSize(2);
            long first = Long.parseLong(asked.get(0).replaceAll("bytes=(\\d+)-", "$1"));
            long second = Long.parseLong(asked.get(1).replaceAll("bytes=(\\d+)-", "$1"));
            assertThat(first).isBetween(1L, 1_000_000L);
            assertThat(second).isBetween(first + 1, first + 1_000_000L);
        } finally {
            upstream.stop(0);
        }
    }

    @Test
    void givenAnUpstreamWithoutRangesThatDropsTheConnection_thenTheBlobIsReadAgainAndCachedWhole()
            throws Exception {
        byte[] blob = new byte[2_000_000];
        new java.util.Random(8).nextBytes(blob);
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer upstream = dropping(blob, 700_000, 1, false, asked);
        try {
            Path cached = pullThrough(upstream, blob, "reread-cache");
            assertThat(Files.readAllBytes(cached)).isEqualTo(blob);
            assertThat(asked).hasSize(1).allMatch(r -> r.matches("bytes=\\d+-"));
        } finally {
            upstream.stop(0);
        }
    }

    @Test
    void givenAnUpstreamThatAlwaysDropsTheConnection_thenA502SaysHowFarItGot() throws Exception {
        byte[] blob = new byte[2_000_000];
        new java.util.Random(9).nextBytes(blob);
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer upstream = dropping(blob, 0, 100, true, asked);
        try {
            String host = "127.0.0.1:" + upstream.getAddress().getPort();
            RegistryClient c = client(Credentials.none(), host);
            BlobCache cache = BlobCache.open(dir.resolve("dropped-cache"), 10_000_000);
            Digest d = sha256(blob);
            RuntimeException failure = org.junit.jupiter.api.Assertions.assertThrows(
                    RuntimeException.class, () -> cache.fetch(d, -1, digest -> c.blob(host,
                            new io.rackswarm.core.oci.Repository("team/app"), digest), n -> { }));
            assertThat(failure.getCause()).isInstanceOf(UpstreamReadException.class)
                    .hasMessageContaining("after 0 of 2000000 bytes (2 resumes)");
            jakarta.ws.rs.core.Response answer = new io.rackswarm.seeder.mirror.OciError()
                    .toResponse(failure);
            assertThat(answer.getStatus()).isEqualTo(502);
            assertThat(answer.getEntity().toString()).contains("UPSTREAM_ERROR")
                    .contains("after 0 of 2000000 bytes");
            assertThat(cache.find(d)).isEmpty();
        } finally {
            upstream.stop(0);
        }
    }

    @Test
    void givenCacheMiss_whenPulledThrough_thenTheLayerIsCachedVerified() throws Exception {
        RegistryClient c = client(Credentials.none(), open.host());
        BlobCache cache = BlobCache.open(dir.resolve("cache"), 10_000_000);
        OciLayout.Blob layer = amd64.layers().get(1);
        Digest d = Digest.parse(layer.digest());
        Path p = cache.fetch(d, layer.size(), digest -> c.blob(open.host(),
                new io.rackswarm.core.oci.Repository("team/app"), digest), n -> { });
        assertThat(Files.readAllBytes(p)).isEqualTo(layer.bytes());
    }
}
