package io.rackswarm.agent.mirror;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.agent.testing.AgentWorld;
import io.rackswarm.agent.testing.AgentWorldResource;
import io.rackswarm.testsupport.OciLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The agent's OCI mirror against a real seeder, tracker and docker-registry: what containerd
 * asks, the agent answers, with bytes that match their digests.
 */
@QuarkusTest
@WithTestResource(AgentWorldResource.class)
class MirrorTest {

    private static AgentWorld world() {
        return AgentWorldResource.world;
    }

    private static String blobPath(OciLayout.Blob b) {
        return "/v2/team/app/blobs/" + b.digest() + "?ns=" + world().ns();
    }

    @Test
    void givenTheBaseEndpoint_thenRegistryApiVersion() {
        given().get("/v2/").then().statusCode(200)
                .header("Docker-Distribution-API-Version", "registry/2.0");
    }

    @Test
    void givenAManifestByTagAndByDigest_thenPassedThroughByteForByte() {
        OciLayout.Blob manifest = world().image.manifest();
        for (String ref : new String[] {"v1", manifest.digest()}) {
            byte[] body = given().get("/v2/team/app/manifests/" + ref + "?ns=" + world().ns())
                    .then().statusCode(200).header("Docker-Content-Digest", manifest.digest())
                    .contentType(OciLayout.MANIFEST).extract().asByteArray();
            assertThat(body).isEqualTo(manifest.bytes());
        }
        given().head("/v2/team/app/manifests/v1?ns=" + world().ns()).then().statusCode(200)
                .header("Content-Length", String.valueOf(manifest.size()));
    }

    @Test
    void givenALargeLayer_whenPulled_thenItCameOverBitTorrentAndMatchesItsDigest() {
        given().get("/v2/team/app/manifests/v1?ns=" + world().ns()).then().statusCode(200);
        OciLayout.Blob big = world().image.layers().get(2);
        assertThat(big.size()).isGreaterThan(AgentWorld.P2P_MIN_BYTES);
        byte[] body = given().get(blobPath(big)).then().statusCode(200)
                .header("Docker-Content-Digest", big.digest())
                .header("Content-Length", String.valueOf(big.size()))
                .extract().asByteArray();
        assertThat(OciLayout.sha256(body)).isEqualTo(big.digest().substring(7));
        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).containsPattern(
                "rackswarm_agent_fetched_bytes_total\\{source=\"seeder_p2p\"} [1-9]");
        // Served again from the node's cache, by range too.
        byte[] part = given().header("Range", "bytes=1000-1999").get(blobPath(big)).then()
                .statusCode(206).header("Content-Range", "bytes 1000-1999/" + big.size())
                .extract().asByteArray();
        assertThat(part).isEqualTo(Arrays.copyOfRange(big.bytes(), 1000, 2000));
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("rackswarm_agent_blobs_served_total\\{from=\"cache\"} [1-9]");
    }

    @Test
    void givenASmallBlob_whenPulled_thenItCameFromTheSeederOverHttp() {
        given().get("/v2/team/app/manifests/v1?ns=" + world().ns()).then().statusCode(200);
        OciLayout.Blob small = world().image.layers().get(0);
        assertThat(small.size()).isLessThan(AgentWorld.P2P_MIN_BYTES);
        byte[] body = given().get(blobPath(small)).then().statusCode(200)
                .header("Docker-Content-Digest", small.digest()).extract().asByteArray();
        assertThat(body).isEqualTo(small.bytes());
        assertThat(given().get("/q/metrics").asString()).containsPattern(
                "rackswarm_agent_fetched_bytes_total\\{source=\"seeder_http\"} [1-9]");
    }

    @Test
    void givenARangeOfABlobNotCachedYet_thenThoseBytes() {
        OciLayout.Blob mid = world().image.layers().get(1);
        byte[] tail = given().header("Range", "bytes=-100").get(blobPath(mid)).then()
                .statusCode(206).extract().asByteArray();
        assertThat(tail).isEqualTo(Arrays.copyOfRange(mid.bytes(), (int) mid.size() - 100,
                (int) mid.size()));
        given().header("Range", "bytes=" + mid.size() + "-").get(blobPath(mid)).then()
                .statusCode(416).header("Content-Range", "bytes */" + mid.size());
    }

    @Test
    void givenBadNamesDigestsAndHosts_thenClearErrors() {
        given().get("/v2/team/app/blobs/sha256:xyz").then().statusCode(400)
                .body("errors[0].code", is("DIGEST_INVALID"));
        given().get("/v2/Team/App_/blobs/" + world().image.config().digest()).then()
                .statusCode(400).body("errors[0].code", is("NAME_INVALID"));
        given().urlEncodingEnabled(false).get("/v2/team/app/blobs/"
                + world().image.config().digest() + "?ns=127.0.0.1:25000%2Fx%3F").then()
                .statusCode(400).body("errors[0].message", containsString("registry host"));
        given().urlEncodingEnabled(false).get("/v2/team/app/manifests/bad%20tag").then()
                .statusCode(400).body("errors[0].code", is("TAG_INVALID"));
    }

    @Test
    void givenContentNobodyHas_then404SoContainerdGoesUpstream() {
        given().get("/v2/team/app/blobs/sha256:" + "0".repeat(64) + "?ns=" + world().ns())
                .then().statusCode(404).body("errors[0].code", is("BLOB_UNKNOWN"));
        given().get("/v2/team/nothing/manifests/v9?ns=" + world().ns()).then().statusCode(404)
                .body("errors[0].code", is("MANIFEST_UNKNOWN"));
    }

    @Test
    void givenTheStatusApi_thenNodeTopologyAndCache() {
        given().get("/api/v1/status").then().statusCode(200)
                .body("node", is("node-0")).body("topology.rack", is("a"))
                .body("topology.source", is("from configuration"));
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void givenTheMetricsListener_thenItServesTheMetricsAndNothingElse() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + AgentWorldResource.metricsPort;
        var metrics = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("rackswarm_agent_fetched_bytes_total",
                "rackswarm_agent_fallbacks_total{reason=\"p2p_stall\"");
        var mirror = http.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(base + "/v2/")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(mirror.statusCode()).isEqualTo(404);
    }
}
