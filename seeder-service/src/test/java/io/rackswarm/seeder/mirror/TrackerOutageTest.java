package io.rackswarm.seeder.mirror;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.common.WithTestResource;
import io.rackswarm.testsupport.OciLayout;
import io.rackswarm.testsupport.TrackerProcess;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Serving never depends on the tracker: blobs are pulled, served and described while it is down,
 * registered once it is up, and registered again when it loses them.
 */
@QuarkusTest
@WithTestResource(TrackerLaterResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrackerOutageTest {

    private static OciLayout.Blob layer() {
        return TrackerLaterResource.image.layers().get(0);
    }

    private static String infoHash() {
        return given().queryParam("repository", "team/later")
                .get("/api/v1/metainfo/" + layer().digest()).then().statusCode(200)
                .extract().header("X-Rackswarm-Info-Hash");
    }

    @Test
    @Order(1)
    void givenTheTrackerDown_whenABlobIsPulledTwiceAndDescribed_thenAllAnswer() {
        OciLayout.Blob b = layer();
        String path = "/v2/team/later/blobs/" + b.digest();
        for (int i = 0; i < 2; i++) {
            byte[] body = given().get(path).then().statusCode(200)
                    .header("Docker-Content-Digest", b.digest()).extract().asByteArray();
            assertThat(body).isEqualTo(b.bytes());
        }
        given().head(path).then().statusCode(200)
                .header("Content-Length", String.valueOf(b.size()));
        assertThat(infoHash()).hasSize(40);
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("rackswarm_seeder_tracker_registration_failures_total [1-9]");
    }

    @Test
    @Order(2)
    void givenTheTrackerComesUp_thenTheBlobIsRegisteredAndSeeded() throws Exception {
        TrackerProcess tracker = TrackerLaterResource.startTracker();
        tracker.awaitTorrentInfo(infoHash(), "\"seeders\":1", Duration.ofSeconds(60));
        // Announces refused while the registration was on its way are no loss to act on.
        assertThat(given().get("/q/metrics").asString())
                .contains("rackswarm_seeder_tracker_reregistrations_total 0.0");
    }

    @Test
    @Order(3)
    void givenTheTrackerLosesTheRegistration_thenTheSeederRegistersItAgain() throws Exception {
        TrackerProcess tracker = TrackerLaterResource.tracker;
        String infoHash = infoHash();
        assertThat(tracker.unregister(infoHash)).isEqualTo(204);
        String info = tracker.awaitTorrentInfo(infoHash, "\"seeders\":1", Duration.ofSeconds(30));
        assertThat(info).contains(layer().digest());
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("rackswarm_seeder_tracker_reregistrations_total [1-9]");
    }
}
