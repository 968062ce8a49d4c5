package io.rackswarm.tracker.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.testsupport.RedisServer;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.Registrations;
import io.rackswarm.tracker.testing.TrackerClient;
import java.net.URL;
import java.time.Duration;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** While Redis is down the tracker is alive but not ready, and announces fail cleanly. */
@QuarkusTest
@WithTestResource(RedisServerResource.class)
class RedisOutageTest {

    @TestHTTPResource("/")
    URL base;

    private static int status(String path) {
        return given().get(path).statusCode();
    }

    private static boolean eventually(String path, IntPredicate expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (expected.test(status(path))) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    @Test
    void givenRedisDown_thenNotReadyButLive_andBackWhenRedisReturns() throws Exception {
        TrackerClient tracker = new TrackerClient(base);
        InfoHash ih = Registrations.registered(1000);
        assertThat(status("/q/health/ready")).isEqualTo(200);
        // The announce path holds connections of its own: they must break and come back too.
        assertThat(TrackerClient.failure(tracker.announce(ih, 1).send())).isNull();

        RedisServer redis = RedisServerResource.server();
        redis.stop();
        try {
            assertThat(eventually("/q/health/ready", s -> s == 503)).isTrue();
            assertThat(status("/q/health/live")).isEqualTo(200);
            assertThat(TrackerClient.failure(tracker.announce(ih, 1).send()))
                    .isEqualTo("tracker temporarily unavailable, retry later");
            // The registration API says so too, as JSON, and the seeders retry.
            InfoHash other = TrackerClient.randomInfoHash();
            given().header("Authorization", Registrations.admin())
                    .contentType(io.restassured.http.ContentType.JSON)
                    .body("{\"digest\":\"" + Registrations.digestFor(other) + "\",\"size\":1}")
                    .put("/api/v1/torrents/" + other.hex()).then().statusCode(503)
                    .body("error", org.hamcrest.Matchers.containsString("unavailable"));
        } finally {
            redis.restart();
        }
        assertThat(eventually("/q/health/ready", s -> s == 200)).isTrue();
        // Redis lost its data, as after a crash without persistence: seeders re-register.
        Registrations.register(ih, Registrations.digestFor(ih), 1000);
        assertThat(TrackerClient.failure(tracker.announce(ih, 1).send())).isNull();
    }
}
