package io.rackswarm.seeder.mirror;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.testsupport.OciLayout;
import io.rackswarm.testsupport.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The seeder against a real docker-registry, the real tracker and a real BitTorrent client. */
@QuarkusTest
@WithTestResource(UpstreamResource.class)
class PullThroughTest {

    private static OciLayout.Blob layer() {
        return UpstreamResource.image.layers().get(0);
    }

    private static String blobPath(OciLayout.Blob b) {
        return "/v2/team/app/blobs/" + b.digest() + "?ns=" + UpstreamResource.registry.host();
    }

    @Test
    void givenBlobNotCached_whenRequestedTwice_thenPulledOnceAndServedVerified() {
        OciLayout.Blob b = UpstreamResource.image.layers().get(1);
        byte[] first = given().get(blobPath(b)).then().statusCode(200)
                .header("Docker-Content-Digest", b.digest()).extract().asByteArray();
        assertThat(first).isEqualTo(b.bytes());
        byte[] second = given().get(blobPath(b)).then().statusCode(200).extract().asByteArray();
        assertThat(second).isEqualTo(b.bytes());
        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).containsPattern("rackswarm_seeder_cache_hits_total [1-9]");
        assertThat(metrics).contains("rackswarm_seeder_upstream_pulled_bytes_total");
        given().head(blobPath(b)).then().statusCode(200)
                .header("Content-Length", String.valueOf(b.size()));
    }

    @Test
    void givenCachedBlobs_thenListedAsSeeded_andTheReplicaIsReady() {
        OciLayout.Blob b = UpstreamResource.image.layers().get(1);
        given().get(blobPath(b)).then().statusCode(200);
        given().get("/api/v1/cache").then().statusCode(200)
                .body("find { it.digest == '" + b.digest() + "' }.seeding", is(true))
                .body("find { it.digest == '" + b.digest() + "' }.size", is((int) b.size()));
        given().get("/q/health/ready").then().statusCode(200)
                .body(containsString("cache re-seeded"));
    }

    @Test
    void givenBlobOnTheVolumeFromAnEarlierRun_thenItIsSeededAtStartUp() throws Exception {
        String digest = UpstreamResource.image.config().digest();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (given().get("/q/health/ready").statusCode() != 200
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        given().get("/api/v1/cache").then().statusCode(200)
                .body("find { it.digest == '" + digest + "' }.seeding", is(true));
        String infoHash = given().get("/api/v1/cache").then().extract()
                .path("find { it.digest == '" + digest + "' }.infoHash");
        UpstreamResource.tracker.awaitTorrentInfo(infoHash, digest, Duration.ofSeconds(20));
    }

    @Test
    void givenABlobCutShortOnTheVolume_whenRequested_thenItIsFetchedAgainAndServedWhole()
            throws Exception {
        OciLayout.Blob b = UpstreamResource.multiAmd64.layers().get(0);
        byte[] body = given().get("/v2/team/multi/blobs/" + b.digest() + "?ns="
                        + UpstreamResource.registry.host()).then().statusCode(200)
                .header("Docker-Content-Digest", b.digest()).extract().asByteArray();
        assertThat(body).isEqualTo(b.bytes());
        Path onDisk = UpstreamResource.dir.resolve("cache/blobs/sha256")
                .resolve(b.digest().substring(7));
        assertThat(Files.readAllBytes(onDisk)).isEqualTo(b.bytes());
    }

    @jakarta.inject.Inject
    io.rackswarm.core.cache.BlobCache cache;

    @Test
    void givenServedBlob_whenTheResponseIsDone_thenItsLeaseIsReleased() throws Exception {
        OciLayout.Blob b = layer();
        given().get(blobPath(b)).then().statusCode(200);
        given().header("Range", "bytes=0-9").get(blobPath(b)).then().statusCode(206);
        given().head(blobPath(b)).then().statusCode(200);
        io.rackswarm.core.oci.Digest d = io.rackswarm.core.oci.Digest.parse(b.digest());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (cache.isLeased(d) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(cache.isLeased(d)).as("lease leaked: the blob could never be evicted").isFalse();
    }

    @Test
    void givenRange_thenPartialContent() {
        OciLayout.Blob b = layer();
        byte[] part = given().header("Range", "bytes=100-199").get(blobPath(b)).then()
                .statusCode(206).header("Content-Range", "bytes 100-199/" + b.size())
                .extract().asByteArray();
        assertThat(part).isEqualTo(Arrays.copyOfRange(b.bytes(), 100, 200));
        byte[] tail = given().header("Range", "bytes=-10").get(blobPath(b)).then()
                .statusCode(206).extract().asByteArray();
        assertThat(tail).isEqualTo(Arrays.copyOfRange(b.bytes(), b.bytes().length - 10,
                b.bytes().length));
        given().header("Range", "bytes=" + b.size() + "-").get(blobPath(b)).then()
                .statusCode(416);
    }

    @Test
    void givenRangesRegistriesIgnoreOrCannotSatisfy_thenWholeBlobOr416() {
        OciLayout.Blob b = layer();
        given().header("Range", "bytes=99999999999999999999-").get(blobPath(b)).then()
                .statusCode(416).header("Content-Range", "bytes */" + b.size());
        for (String ignored : new String[] {"bytes=0-1,5-6", "items=0-5"}) {
            byte[] whole = given().header("Range", ignored).get(blobPath(b)).then()
                    .statusCode(200).extract().asByteArray();
            assertThat(whole).hasSize((int) b.size());
        }
    }

    @Test
    void givenAManifestUpstreamDoesNotHave_thenManifestUnknown() {
        given().get("/v2/team/app/manifests/nope?ns=" + UpstreamResource.registry.host())
                .then().statusCode(404).body("errors[0].code", is("MANIFEST_UNKNOWN"));
    }

    @Test
    void givenBadInput_thenOciErrorsAndNothingCached() {
        given().get("/v2/team/app/blobs/sha256:xyz").then().statusCode(400)
                .body("errors[0].message", containsString("digest"));
        // Dot segments never reach the seeder (the HTTP layer normalises the path); names
        // outside the OCI grammar are refused.
        given().get("/v2/Team/App_/blobs/" + layer().digest()).then().statusCode(400)
                .body("errors[0].message", containsString("repository"));
        given().get("/v2/team/app/blobs/sha256:" + "0".repeat(64) + "?ns="
                + UpstreamResource.registry.host()).then().statusCode(404)
                .body("errors[0].code", is("BLOB_UNKNOWN"));
        // Only configured registries are fetched from; ns is a registry host, nothing more.
        given().get("/v2/team/app/blobs/sha256:" + "1".repeat(64) + "?ns=127.0.0.1:1").then()
                .statusCode(403).body("errors[0].code", is("DENIED"));
        given().get("/v2/team/app/manifests/v1?ns=127.0.0.1:1").then()
                .statusCode(403).body("errors[0].code", is("DENIED"));
        given().urlEncodingEnabled(false).get("/v2/team/app/blobs/" + layer().digest()
                + "?ns=127.0.0.1:25000%2Fx%3F").then().statusCode(400)
                .body("errors[0].message", containsString("registry host"));
        given().queryParam("repository", "team/app").queryParam("ns", "evil.example")
                .get("/api/v1/metainfo/" + layer().digest()).then().statusCode(403);
    }

    @Test
    void givenManifestByTag_thenPassedThroughByteForByte() {
        byte[] body = given().get("/v2/team/app/manifests/v1?ns="
                        + UpstreamResource.registry.host()).then().statusCode(200)
                .header("Docker-Content-Digest", UpstreamResource.image.manifest().digest())
                .contentType(OciLayout.MANIFEST).extract().asByteArray();
        assertThat(body).isEqualTo(UpstreamResource.image.manifest().bytes());
    }

    @Test
    void givenMetainfoRequest_thenTheBlobIsSeededAndAria2DownloadsItThroughTheTracker()
            throws Exception {
        OciLayout.Blob b = layer();
        byte[] torrent = given().queryParam("repository", "team/app")
                .queryParam("ns", UpstreamResource.registry.host())
                .get("/api/v1/metainfo/" + b.digest()).then().statusCode(200)
                .contentType("application/x-bittorrent").extract().asByteArray();
        String infoHash = given().queryParam("repository", "team/app")
                .queryParam("ns", UpstreamResource.registry.host())
                .get("/api/v1/metainfo/" + b.digest()).header("X-Rackswarm-Info-Hash");
        UpstreamResource.tracker.awaitTorrentInfo(infoHash, b.digest(), Duration.ofSeconds(20));

        Path dir = UpstreamResource.dir;
        String announce = UpstreamResource.tracker.announceUrl("node-7", "z1", "r1");
        // The torrent names the tracker; the agent (here: the test) adds its own token.
        byte[] withToken = new String(torrent, java.nio.charset.StandardCharsets.ISO_8859_1)
                .replace(UpstreamResource.tracker.baseUrl().length() + 9 + ":"
                                + UpstreamResource.tracker.baseUrl() + "/announce",
                        announce.length() + ":" + announce)
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path file = Files.write(dir.resolve("layer.torrent"), withToken);
        Path out = Files.createDirectories(dir.resolve("aria2"));
        Process p = new ProcessBuilder(List.of("aria2c", "--dir=" + out,
                "--listen-port=" + RedisServer.freePort(), "--enable-dht=false",
                "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
                "--seed-time=0", "--bt-tracker-interval=1", "--file-allocation=none",
                file.toString())).redirectErrorStream(true)
                .redirectOutput(dir.resolve("aria2-seeder.log").toFile()).start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done && p.exitValue() == 0).as("aria2c log:\n%s",
                Files.readString(dir.resolve("aria2-seeder.log"))).isTrue();
        assertThat(OciLayout.sha256(Files.readAllBytes(out.resolve(b.digest().substring(7)))))
                .isEqualTo(b.digest().substring(7));
    }
}
