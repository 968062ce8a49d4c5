package io.rackswarm.tracker.announce;

import static io.rackswarm.tracker.testing.TrackerClient.compactPorts;
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

/**
 * The largest counter a client may send is stored and read back like any other: one peer's
 * record must never keep the tracker from answering the peers that read it.
 */
@QuarkusTest
@WithTestResource(RedisServerResource.class)
class LargestLeftTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void givenPeerAnnouncingLongMaxLeft_whenItsRackMateAnnounces_thenItIsHandedOut()
            throws Exception {
        TrackerClient tracker = new TrackerClient(base);
        InfoHash ih = Registrations.registered(1000);
        tracker.announce(ih, 1).at("eu", "z", "r").set("left", Long.toString(Long.MAX_VALUE))
                .send();
        BDict answer = tracker.announce(ih, 2).at("eu", "z", "r").send();
        assertThat(answer.get("failure reason")).isEmpty();
        assertThat(compactPorts(answer)).containsExactly(20001);
    }
}
