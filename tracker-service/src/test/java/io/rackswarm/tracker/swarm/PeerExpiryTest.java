package io.rackswarm.tracker.swarm;

import static io.rackswarm.tracker.testing.TrackerClient.compactPorts;
import static io.rackswarm.tracker.testing.TrackerClient.integer;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.Registrations;
import io.rackswarm.tracker.testing.TrackerClient;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** Peers that stop announcing leave their swarm after the peer TTL; Redis does not keep them. */
@QuarkusTest
@WithTestResource(RedisServerResource.class)
class PeerExpiryTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void givenPeerThatStopsAnnouncing_whenTtlPasses_thenItIsNoLongerHandedOutAndIsPurged()
            throws Exception {
        TrackerClient tracker = new TrackerClient(base);
        InfoHash ih = Registrations.registered(1000);
        tracker.announce(ih, 1).at("eu", "z", "r").set("left", "0").send();
        assertThat(compactPorts(tracker.announce(ih, 2).at("eu", "z", "r").send()))
                .containsExactly(20001);

        Thread.sleep(RedisServerResource.PEER_TTL_SECONDS * 1000L + 700);

        BDict later = tracker.announce(ih, 2).at("eu", "z", "r").send();
        assertThat(compactPorts(later)).isEmpty();
        assertThat(integer(later, "complete")).isZero();
        String peersKey = new SwarmKeys("rs", ih).peers();
        assertThat(RedisServerResource.server().command("HLEN", peersKey)).isEqualTo("1");
        assertThat(RedisServerResource.server().keys())
                .noneMatch(k -> k.contains(ih.hex()) && k.endsWith(":seeds"));
        assertThat(Long.parseLong(RedisServerResource.server().command("TTL", peersKey)))
                .isPositive();
    }
}
