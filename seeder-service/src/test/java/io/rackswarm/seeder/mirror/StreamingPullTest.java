package io.rackswarm.seeder.mirror;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Cold pulls stream: the client receives a blob's bytes while the seeder is still pulling it
 * from upstream, and a blob that turns out not to match its digest is cut off short of its
 * Content-Length (never a short or wrong success) and not cached.
 */
@QuarkusTest
@WithTestResource(PausingUpstreamResource.class)
class StreamingPullTest {

    @TestHTTPResource("/")
    URL base;

    @org.eclipse.microprofile.config.inject.ConfigProperty(
            name = "rackswarm.seeder.default-registry")
    String upstream;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Tells the stand-in upstream to hold the second halves back ("hold") or send them. */
    private void upstream(String what) throws Exception {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + upstream
                + "/control/" + what)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).isEqualTo(204);
    }

    private HttpResponse<InputStream> get(String digest) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "v2/team/app/blobs/" + digest))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void givenAColdPull_thenTheClientReceivesBytesBeforeTheUpstreamSentThemAll()
            throws Exception {
        upstream("hold");
        byte[] blob = PausingUpstreamResource.good;
        HttpResponse<InputStream> r = get(PausingUpstreamResource.goodDigest);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(blob.length);
        assertThat(r.headers().firstValue("Docker-Content-Digest"))
                .hasValue(PausingUpstreamResource.goodDigest);
        try (InputStream in = r.body()) {
            // The upstream holds the second half back until the client has the first.
            byte[] first = in.readNBytes(blob.length / 2);
            assertThat(first).isEqualTo(java.util.Arrays.copyOf(blob, blob.length / 2));
            upstream("go");
            byte[] rest = in.readAllBytes();
            assertThat(first.length + rest.length).isEqualTo(blob.length);
            assertThat(rest).isEqualTo(java.util.Arrays.copyOfRange(blob, blob.length / 2,
                    blob.length));
        }
        // Cached and verified: a second pull is a hit served from the cache.
        byte[] again = given().get("/v2/team/app/blobs/" + PausingUpstreamResource.goodDigest)
                .then().statusCode(200).extract().asByteArray();
        assertThat(again).isEqualTo(blob);
        assertThat(given().get("/api/v1/cache").asString())
                .contains(PausingUpstreamResource.goodDigest);
    }

    @Test
    void givenAHeadAndARangeDuringAColdPull_thenNeitherWaitsForTheWholeBlob() throws Exception {
        upstream("hold");
        String digest = PausingUpstreamResource.otherDigest;
        byte[] blob = PausingUpstreamResource.other;
        // A HEAD is answered once the upstream said how long the blob is.
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(base
                + "v2/team/app/blobs/" + digest)).method("HEAD", HttpRequest.BodyPublishers
                .noBody()).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(blob.length);
        // A range within the half already pulled streams at once, all but its last byte,
        // which waits for the whole blob's digest.
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base
                + "v2/team/app/blobs/" + digest)).header("Range", "bytes=1000-1999")
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range"))
                .hasValue("bytes 1000-1999/" + blob.length);
        try (InputStream in = r.body()) {
            byte[] first = in.readNBytes(999);
            upstream("go");
            byte[] last = in.readAllBytes();
            assertThat(last).hasSize(1);
            byte[] slice = new byte[1000];
            System.arraycopy(first, 0, slice, 0, 999);
            slice[999] = last[0];
            assertThat(slice).isEqualTo(java.util.Arrays.copyOfRange(blob, 1000, 2000));
        }
    }

    @Test
    void givenAColdPullThatFailsItsDigest_thenTheClientSeesAnErrorAndNothingIsCached()
            throws Exception {
        upstream("hold");
        HttpResponse<InputStream> r = get(PausingUpstreamResource.tamperedDigest);
        assertThat(r.statusCode()).isEqualTo(200);
        long promised = r.headers().firstValueAsLong("Content-Length").orElseThrow();
        long received = 0;
        IOException cutOff = null;
        try (InputStream in = r.body()) {
            in.readNBytes(PausingUpstreamResource.SIZE / 2);
            received = PausingUpstreamResource.SIZE / 2;
            upstream("go");
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                received += n;
            }
        } catch (IOException e) {
            cutOff = e;
        }
        // Either the read failed or it ended short: never all the promised bytes.
        assertThat(cutOff != null || received < promised)
                .as("received %d of %d bytes, error %s", received, promised, cutOff).isTrue();
        assertThat(received).isLessThan(promised);
        assertThat(given().get("/api/v1/cache").asString())
                .doesNotContain(PausingUpstreamResource.tamperedDigest);
    }
}
