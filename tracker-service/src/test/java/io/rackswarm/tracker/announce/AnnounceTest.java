package io.rackswarm.tracker.announce;

import static io.rackswarm.tracker.testing.TrackerClient.compactAddresses;
import static io.rackswarm.tracker.testing.TrackerClient.compactPorts;
import static io.rackswarm.tracker.testing.TrackerClient.dictPeers;
import static io.rackswarm.tracker.testing.TrackerClient.failure;
import static io.rackswarm.tracker.testing.TrackerClient.integer;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.bencode.BString;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.RegisteredSwarm;
import io.rackswarm.tracker.testing.Registrations;
import io.rackswarm.tracker.testing.TrackerClient;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RedisServerResource.class)
class AnnounceTest extends RegisteredSwarm {

    @Test
    void givenRegisteredTorrentAndValidToken_whenPeersAnnounce_thenEachLearnsTheOthersCompactly() {
        BDict first = tracker.announce(ih, 1).set("event", "started").send();
        assertThat(failure(first)).isNull();
        assertThat(compactPorts(first)).isEmpty();
        tracker.announce(ih, 2).set("event", "started").set("left", "0").send();
        BDict again = tracker.announce(ih, 1).send();
        assertThat(compactAddresses(again, "peers", 6)).containsExactly("127.0.0.1:20002");
        assertThat(integer(again, "complete")).isEqualTo(1);
        assertThat(integer(again, "incomplete")).isEqualTo(1);
        assertThat(integer(again, "interval")).isEqualTo(10);
        assertThat(integer(again, "min interval")).isEqualTo(5);
        assertThat(again.get("peers6")).isEmpty();
    }

    @Test
    void givenFirstPeerOfASwarm_whenNothingHoldsData_thenItIsAskedToComeBackSoon() {
        BDict alone = tracker.announce(ih, 1).send();
        assertThat(integer(alone, "interval")).isEqualTo(2);
        assertThat(integer(alone, "min interval")).isEqualTo(2);
        tracker.announce(ih, 2).set("left", "0").send();
        assertThat(integer(tracker.announce(ih, 1).send(), "interval")).isEqualTo(10);
    }

    @Test
    void givenCompactZero_whenAnnouncing_thenPeersAreDictionariesWithPeerIds() {
        tracker.announce(ih, 7).set("left", "0").send();
        BDict d = tracker.announce(ih, 8).set("compact", "0").send();
        List<BDict> peers = dictPeers(d);
        assertThat(peers).hasSize(1);
        assertThat(((BString) peers.get(0).get("ip").orElseThrow()).utf8()).isEqualTo("127.0.0.1");
        assertThat(integer(peers.get(0), "port")).isEqualTo(20007);
        assertThat(((BString) peers.get(0).get("peer id").orElseThrow()).bytes())
                .isEqualTo(TrackerClient.peerId(7));
        BDict noIds = tracker.announce(ih, 8).set("compact", "0").set("no_peer_id", "1").send();
        assertThat(dictPeers(noIds).get(0).get("peer id")).isEmpty();
    }

    @Test
    void givenIpv6Peer_whenAnnouncedFromTrustedNetwork_thenOthersGetItInPeers6() {
        tracker.announce(ih, 1).from("127.0.0.2").set("ip", "2001%3Adb8%3A%3A7").set("left", "0")
                .send();
        BDict d = tracker.announce(ih, 2).send();
        assertThat(compactAddresses(d, "peers6", 18)).containsExactly("2001:db8:0:0:0:0:0:7:20001");
        assertThat(compactPorts(d)).isEmpty();
    }

    @Test
    void givenIpParameter_whenRequestComesFromUntrustedAddress_thenItIsIgnored() {
        tracker.announce(ih, 1).set("ip", "10.9.8.7").set("left", "0").send();
        tracker.announce(ih, 2).from("127.0.0.2").set("ip", "10.9.8.6").set("left", "0").send();
        BDict d = tracker.announce(ih, 3).send();
        assertThat(compactAddresses(d, "peers", 6))
                .containsExactlyInAnyOrder("127.0.0.1:20001", "10.9.8.6:20002");
    }

    @Test
    void givenNumwant_whenLargerThanTheCap_thenCappedWithAWarning() {
        for (int i = 1; i <= 5; i++) {
            tracker.announce(ih, i).set("left", "0").send();
        }
        assertThat(compactPorts(tracker.announce(ih, 9).set("numwant", "3").send())).hasSize(3);
        assertThat(compactPorts(tracker.announce(ih, 9).set("numwant", "0").send())).isEmpty();
        BDict capped = tracker.announce(ih, 9).set("numwant", "100000").send();
        assertThat(compactPorts(capped)).hasSize(5);
        assertThat(((BString) capped.get("warning message").orElseThrow()).utf8())
                .contains("numwant capped to 200");
    }

    @Test
    void givenNoTopology_whenAnnouncing_thenAWarningSaysSo() {
        BDict d = tracker.announce(ih, 1).send();
        assertThat(((BString) d.get("warning message").orElseThrow()).utf8())
                .isEqualTo(AnnounceService.NO_TOPOLOGY_WARNING);
        assertThat(tracker.announce(ih, 2).at("eu", "z1", "r1").send().get("warning message"))
                .isEmpty();
    }

    @Test
    void givenEvents_whenPeersStartCompleteAndStop_thenCountsAndTimelineFollow() {
        tracker.announce(ih, 1).set("event", "started").send();
        tracker.announce(ih, 2).set("event", "started").send();
        tracker.announce(ih, 1).set("event", "completed").set("left", "0").send();
        // A repeated completed (client retry) is not counted twice.
        tracker.announce(ih, 1).set("event", "completed").set("left", "0").send();
        BDict d = tracker.announce(ih, 2).send();
        assertThat(integer(d, "complete")).isEqualTo(1);
        assertThat(integer(d, "incomplete")).isEqualTo(1);
        assertThat(integer(d, "downloaded")).isEqualTo(1);

        BDict stopped = tracker.announce(ih, 1).set("event", "stopped").send();
        assertThat(compactPorts(stopped)).isEmpty();
        assertThat(integer(stopped, "complete")).isZero();
        assertThat(compactPorts(tracker.announce(ih, 2).send())).isEmpty();

        io.restassured.RestAssured.given().header("Authorization", Registrations.admin())
                .get("/api/v1/torrents/" + ih.hex())
                .then().statusCode(200)
                .body("downloaded", org.hamcrest.Matchers.is(1))
                .body("firstStarted", org.hamcrest.Matchers.notNullValue())
                .body("firstCompleted", org.hamcrest.Matchers.notNullValue())
                .body("lastCompleted", org.hamcrest.Matchers.notNullValue())
                .body("leechers", org.hamcrest.Matchers.is(1));
    }

    private io.restassured.path.json.JsonPath torrentInfo() {
        return io.restassured.RestAssured.given().header("Authorization", Registrations.admin())
                .get("/api/v1/torrents/" + ih.hex())
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void givenTwoCompletions_thenTheFirstStaysAndTheLastMovesOn() throws Exception {
        tracker.announce(ih, 1).set("left", "500").send();
        tracker.announce(ih, 2).set("left", "500").send();
        tracker.announce(ih, 1).set("event", "completed").set("left", "0").send();
        io.restassured.path.json.JsonPath first = torrentInfo();
        long firstCompleted = first.getLong("firstCompleted");
        assertThat(first.getLong("lastCompleted")).isEqualTo(firstCompleted);
        assertThat(first.getInt("downloaded")).isEqualTo(1);

        Thread.sleep(5);
        tracker.announce(ih, 2).set("left", "0").send();
        io.restassured.path.json.JsonPath second = torrentInfo();
        assertThat(second.getInt("downloaded")).isEqualTo(2);
        assertThat(second.getLong("firstCompleted")).isEqualTo(firstCompleted);
        assertThat(second.getLong("lastCompleted")).isGreaterThan(firstCompleted);
    }

    @Test
    void givenSeedAnnouncing_thenItIsNotToldAboutOtherSeeds() {
        tracker.announce(ih, 1).set("left", "0").send();
        tracker.announce(ih, 2).set("left", "500").send();
        BDict d = tracker.announce(ih, 3).set("left", "0").send();
        assertThat(compactPorts(d)).containsExactly(20002);
    }
}
