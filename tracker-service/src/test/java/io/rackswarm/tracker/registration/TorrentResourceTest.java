package io.rackswarm.tracker.registration;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.Registrations;
import io.rackswarm.tracker.testing.TrackerClient;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RedisServerResource.class)
class TorrentResourceTest {

    private static String body(String digest, Object size) {
        return "{\"digest\":\"" + digest + "\",\"size\":" + size + "}";
    }

    @Test
    void givenNoOrWrongAdminToken_thenEveryCallIs401() {
        InfoHash ih = TrackerClient.randomInfoHash();
        given().contentType(ContentType.JSON).body(body(Registrations.digestFor(ih), 1))
                .put("/api/v1/torrents/" + ih.hex())
                .then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
        given().header("Authorization", "Bearer wrong-token-0123456789")
                .get("/api/v1/torrents/" + ih.hex()).then().statusCode(401);
        given().header("Authorization", "Basic abc").delete("/api/v1/torrents/" + ih.hex())
                .then().statusCode(401);
    }

    @Test
    void givenRegistration_whenRepeated_thenIdempotent_andAnotherDigestConflicts() {
        InfoHash ih = TrackerClient.randomInfoHash();
        String digest = Registrations.digestFor(ih);
        Registrations.register(ih, digest, 4096);
        given().header("Authorization", Registrations.admin()).contentType(ContentType.JSON)
                .body(body(digest, 4096)).put("/api/v1/torrents/" + ih.hex().toUpperCase())
                .then().statusCode(200).body("infoHash", is(ih.hex()));
        given().header("Authorization", Registrations.admin()).contentType(ContentType.JSON)
                .body(body("sha256:" + "0".repeat(64), 4096)).put("/api/v1/torrents/" + ih.hex())
                .then().statusCode(409).body("error", containsString("another digest"));
    }

    @Test
    void givenRegisteredDigest_whenLookedUp_thenItsInfoHashAndSizeAreReturned() {
        InfoHash ih = TrackerClient.randomInfoHash();
        String digest = Registrations.digestFor(ih);
        Registrations.register(ih, digest, 123456);
        given().header("Authorization", Registrations.admin()).queryParam("digest", digest)
                .get("/api/v1/torrents")
                .then().statusCode(200).body("infoHash", is(ih.hex())).body("size", is(123456))
                .body("seeders", is(0));
        given().header("Authorization", Registrations.admin())
                .queryParam("digest", "sha256:" + "1".repeat(64)).get("/api/v1/torrents")
                .then().statusCode(404).body("error", containsString("no torrent"));
    }

    @Test
    void givenBadInput_thenClear400s() {
        given().header("Authorization", Registrations.admin()).contentType(ContentType.JSON)
                .body(body("sha256:" + "a".repeat(64), 1)).put("/api/v1/torrents/xyz")
                .then().statusCode(400).body("error", containsString("40 hex"));
        InfoHash ih = TrackerClient.randomInfoHash();
        given().header("Authorization", Registrations.admin()).contentType(ContentType.JSON)
                .body(body("md5:abc", 1)).put("/api/v1/torrents/" + ih.hex())
                .then().statusCode(400).body("error", containsString("unsupported digest"));
        given().header("Authorization", Registrations.admin()).contentType(ContentType.JSON)
                .body(body(Registrations.digestFor(ih), -1)).put("/api/v1/torrents/" + ih.hex())
                .then().statusCode(400).body("error", containsString("size"));
        given().header("Authorization", Registrations.admin()).contentType(ContentType.JSON)
                .body("{}").put("/api/v1/torrents/" + ih.hex())
                .then().statusCode(400).body("error", containsString("digest and size"));
        given().header("Authorization", Registrations.admin()).get("/api/v1/torrents")
                .then().statusCode(400).body("error", containsString("digest is required"));
    }

    @Test
    void givenUnregistration_thenAnnouncesAreRefusedAndTheSwarmIsGone() throws Exception {
        InfoHash ih = Registrations.registered(1000);
        TrackerClient tracker = new TrackerClient(new java.net.URL(
                "http://127.0.0.1:" + io.restassured.RestAssured.port + "/"));
        tracker.announce(ih, 1).at("eu", "z", "r").send();
        given().header("Authorization", Registrations.admin()).delete("/api/v1/torrents/" + ih.hex())
                .then().statusCode(204);
        org.assertj.core.api.Assertions.assertThat(RedisServerResource.server().keys())
                .noneMatch(k -> k.contains(ih.hex()));
        org.assertj.core.api.Assertions.assertThat(
                TrackerClient.failure(tracker.announce(ih, 1).send())).contains("unregistered");
        given().header("Authorization", Registrations.admin()).delete("/api/v1/torrents/" + ih.hex())
                .then().statusCode(404);
    }

    @Test
    void givenAdminRequests_thenTheyAreCountedByMethodAndStatus_andAnnouncesAreNot() {
        double before = adminRequests("GET", "404");
        InfoHash ih = TrackerClient.randomInfoHash();
        given().header("Authorization", Registrations.admin()).get("/api/v1/torrents/" + ih.hex())
                .then().statusCode(404);
        given().header("Authorization", Registrations.admin()).get("/api/v1/torrents/" + ih.hex())
                .then().statusCode(404);
        org.assertj.core.api.Assertions.assertThat(adminRequests("GET", "404") - before)
                .isEqualTo(2.0);
        // The generic HTTP server metrics are off: they would cost every announce.
        org.assertj.core.api.Assertions.assertThat(metrics()).doesNotContain("http_server_requests");
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double adminRequests(String method, String status) {
        String prefix = "rackswarm_tracker_admin_requests_total{method=\"" + method
                + "\",status=\"" + status + "\"} ";
        return metrics().lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElse(0.0);
    }

    @Test
    void givenAnotherSize_thenConflict_andConcurrentConflictingRegistrationsCannotBothWin()
            throws Exception {
        InfoHash ih = TrackerClient.randomInfoHash();
        String digest = Registrations.digestFor(ih);
        Registrations.register(ih, digest, 4096);
        given().header("Authorization", Registrations.admin()).contentType(ContentType.JSON)
                .body(body(digest, 4097)).put("/api/v1/torrents/" + ih.hex())
                .then().statusCode(409).body("error", containsString("size"));

        InfoHash contested = TrackerClient.randomInfoHash();
        java.util.List<java.util.concurrent.CompletableFuture<Integer>> puts =
                new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String d = "sha256:" + Integer.toHexString(8 + i).repeat(64);
            puts.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> given()
                    .header("Authorization", Registrations.admin()).contentType(ContentType.JSON)
                    .body(body(d, 100)).put("/api/v1/torrents/" + contested.hex()).statusCode()));
        }
        java.util.List<Integer> statuses = puts.stream()
                .map(java.util.concurrent.CompletableFuture::join).toList();
        org.assertj.core.api.Assertions.assertThat(statuses).containsOnly(201, 409);
        org.assertj.core.api.Assertions.assertThat(statuses.stream().filter(s -> s == 201))
                .hasSize(1);
    }

    @Test
    void givenABodyThatIsNotJsonOrNoContentType_thenJson400And415() {
        InfoHash ih = TrackerClient.randomInfoHash();
        given().header("Authorization", Registrations.admin()).contentType(ContentType.JSON)
                .body("digest=sha256:abc").put("/api/v1/torrents/" + ih.hex())
                .then().statusCode(400).contentType(ContentType.JSON)
                .body("error", containsString("JSON"));
        given().header("Authorization", Registrations.admin()).contentType(ContentType.TEXT)
                .body(body(Registrations.digestFor(ih), 1)).put("/api/v1/torrents/" + ih.hex())
                .then().statusCode(415).contentType(ContentType.JSON)
                .body("error", containsString("application/json"));
    }
}
