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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A Redis that stops answering (SIGSTOP: its connections stay open) costs announces their
 * deadline, not a hang: each gets "tracker temporarily unavailable" within about a second,
 * readiness says 503 as fast, and all is well again once Redis goes on.
 */
@QuarkusTest
@WithTestResource(RedisServerResource.class)
class RedisStallTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void givenRedisFrozen_thenAnnouncesFailWithinTheDeadlineAndReadinessSays503()
            throws Exception {
        TrackerClient tracker = new TrackerClient(base);
        InfoHash ih = Registrations.registered(1000);
        assertThat(TrackerClient.failure(tracker.announce(ih, 1).send())).isNull();

        RedisServer redis = RedisServerResource.server();
        redis.pause();
        try {
            List<CompletableFuture<String>> announces = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                int peer = 100 + i;
                announces.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return TrackerClient.failure(tracker.announce(ih, peer).send());
                    } catch (Exception e) {
                        return "error: " + e;
                    }
                }));
            }
            for (CompletableFuture<String> a : announces) {
                assertThat(a.get()).isEqualTo("tracker temporarily unavailable, retry later");
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // The deadline is 1 s; a hung Redis used to hold announces for over a minute.
            assertThat(took).isLessThan(Duration.ofSeconds(10));

            long readyStart = System.nanoTime();
            assertThat(given().get("/q/health/ready").statusCode()).isEqualTo(503);
            assertThat(Duration.ofNanos(System.nanoTime() - readyStart))
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(given().get("/q/health/live").statusCode()).isEqualTo(200);
        } finally {
            redis.resume();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String failure = "not tried";
        while (System.nanoTime() < deadline) {
            failure = TrackerClient.failure(tracker.announce(ih, 1).send());
            if (failure == null) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(failure).isNull();
        assertThat(given().get("/q/health/ready").statusCode()).isEqualTo(200);
    }
}
