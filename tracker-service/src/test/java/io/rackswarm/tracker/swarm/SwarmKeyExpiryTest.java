package io.rackswarm.tracker.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.Registrations;
import io.rackswarm.tracker.testing.TrackerClient;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every key a swarm's peers create expires, whichever announce created it: the announce script
 * gives a key its expiry when it creates it, not on every write, so each way of creating one is
 * exercised here.
 */
@QuarkusTest
@WithTestResource(RedisServerResource.class)
class SwarmKeyExpiryTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void givenPeersJoiningSeedingMovingAndLeaving_whenTheyAnnounce_thenEverySwarmKeyExpires()
            throws Exception {
        TrackerClient tracker = new TrackerClient(base);
        InfoHash ih = Registrations.registered(1000);
        for (int peer = 1; peer <= 5; peer++) {
            tracker.announce(ih, peer).at("eu", "z1", "r1").send();
        }
        tracker.announce(ih, 6).at("eu", "z1", "r2").set("left", "0").send();
        tracker.announce(ih, 2).at("eu", "z1", "r1").set("left", "0").send();
        // A candidate leaves (its rack's next member is promoted) and one moves to a new rack.
        tracker.announce(ih, 1).at("eu", "z1", "r1").set("event", "stopped").send();
        tracker.announce(ih, 3).at("eu", "z2", "r9").send();
        // The only seed leaves and comes back: the seeds set is deleted and created again.
        tracker.announce(ih, 6).at("eu", "z1", "r2").set("event", "stopped").send();
        tracker.announce(ih, 2).at("eu", "z1", "r1").set("left", "10").send();
        tracker.announce(ih, 6).at("eu", "z1", "r2").set("left", "0").send();

        List<String> swarmKeys = RedisServerResource.server().keys().stream()
                .filter(k -> k.contains(ih.hex()) && !k.endsWith(":torrent")).toList();
        assertThat(swarmKeys).anyMatch(k -> k.endsWith(":seeds"))
                .anyMatch(k -> k.endsWith(":seniors"))
                .anyMatch(k -> k.endsWith("eu/z2/r9"))
                .anyMatch(k -> k.endsWith("eu/z2/r9:records"));
        for (String key : swarmKeys) {
            assertThat(Long.parseLong(RedisServerResource.server().command("TTL", key)))
                    .as("TTL of %s", key).isPositive();
        }
    }
}
