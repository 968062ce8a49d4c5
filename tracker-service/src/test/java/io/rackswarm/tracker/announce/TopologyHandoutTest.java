package io.rackswarm.tracker.announce;

import static io.rackswarm.tracker.testing.TrackerClient.compactPorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.tracker.auth.AnnounceAuthorizer;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.RegisteredSwarm;
import io.rackswarm.tracker.testing.TrackerClient;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The handout policy through the whole tracker: peers stored in Redis by the script, read back
 * and placed in racks. Test peer n listens on port 20000 + n.
 */
@QuarkusTest
@WithTestResource(RedisServerResource.class)
class TopologyHandoutTest extends RegisteredSwarm {

    @Inject
    MeterRegistry registry;

    /** Representatives' views read so far, by path: beside the script, by it, or wasted. */
    private double seniorsReads(String path) {
        return registry.get("rackswarm.tracker.seniors.reads").tag("path", path).counter()
                .count();
    }

    private List<Integer> announce(int peer, String zone, String rack) {
        return compactPorts(tracker.announce(ih, peer).at("eu", zone, rack).send());
    }

    /** Racks a (peers 1-4) and b (5-7) in zone z1, rack c (8-9) in zone z2, one origin (99). */
    private void populate() throws InterruptedException {
        int[][] layout = {{1, 'a'}, {2, 'a'}, {3, 'a'}, {4, 'a'}, {5, 'b'}, {6, 'b'}, {7, 'b'},
            {8, 'c'}, {9, 'c'}};
        for (int[] p : layout) {
            String rack = String.valueOf((char) p[1]);
            announce(p[0], rack.equals("c") ? "z2" : "z1", rack);
            Thread.sleep(3); // distinct join times make seniority unambiguous
        }
        tracker.announce(ih, 99).set("left", "0")
                .set("token", TrackerClient.token(AnnounceAuthorizer.ORIGIN_PREFIX + "seeder-0"))
                .send();
    }

    @Test
    void givenRackMember_thenItIsToldAboutItsRackOnly() throws Exception {
        populate();
        assertThat(announce(3, "z1", "a")).containsExactlyInAnyOrder(20001, 20002, 20004);
        assertThat(announce(7, "z1", "b")).containsExactlyInAnyOrder(20005, 20006);
    }

    @Test
    void givenRackRepresentatives_thenTheyBridgeRacksZonesAndTheOrigin() throws Exception {
        populate();
        // Rack b's second representative reaches the origin and rack a's representatives.
        assertThat(announce(6, "z1", "b")).containsExactlyInAnyOrder(
                20099, 20001, 20002, 20005, 20007);
        // Peer 1 is the most senior: it represents rack a, zone z1 and the region.
        assertThat(announce(1, "z1", "a")).containsExactlyInAnyOrder(
                20099, 20008, 20009, 20005, 20006, 20002, 20003, 20004);
    }

    @Test
    void givenOrigin_thenItIsToldAboutEveryRacksRepresentatives() throws Exception {
        populate();
        List<Integer> ports = compactPorts(tracker.announce(ih, 99).set("left", "0")
                .set("token", TrackerClient.token(AnnounceAuthorizer.ORIGIN_PREFIX + "seeder-0"))
                .send());
        assertThat(ports).containsExactlyInAnyOrder(20001, 20002, 20005, 20006, 20008, 20009);
    }

    @Test
    void givenRepresentativeStops_thenTheNextMostSeniorReplacesIt() throws Exception {
        populate();
        tracker.announce(ih, 1).at("eu", "z1", "a").set("event", "stopped").send();
        assertThat(announce(3, "z1", "a")).contains(20005, 20006, 20099);
        assertThat(announce(4, "z1", "a")).containsExactlyInAnyOrder(20002, 20003);
    }

    @Test
    void givenPeerMovesRack_thenItLeavesItsOldRack() throws Exception {
        populate();
        announce(4, "z1", "b");
        assertThat(announce(3, "z1", "a")).containsExactlyInAnyOrder(20001, 20002);
        assertThat(announce(7, "z1", "b")).containsExactlyInAnyOrder(20004, 20005, 20006);
    }

    @Test
    void givenCandidatesStop_thenOtherRacksReachTheirSuccessorsBeforeTheseAnnounce() throws Exception {
        populate();
        tracker.announce(ih, 1).at("eu", "z1", "a").set("event", "stopped").send();
        tracker.announce(ih, 2).at("eu", "z1", "a").set("event", "stopped").send();
        // Peer 4 has not announced since it became one of rack a's candidates: rack b's
        // representative still learns of it, from the record the stops promoted.
        assertThat(announce(5, "z1", "b")).containsExactlyInAnyOrder(
                20099, 20003, 20004, 20006, 20007);
    }

    @Test
    void givenRackLargerThanTheSample_thenMembersSampleItAndCandidatesStillBridge() throws Exception {
        for (int peer = 1; peer <= 12; peer++) {
            announce(peer, "z1", "a");
            Thread.sleep(3);
        }
        announce(20, "z1", "b");
        for (int round = 0; round < 10; round++) {
            // numwant 3: the tracker samples 4 records of the 12-peer rack.
            List<Integer> member = compactPorts(tracker.announce(ih, 12).at("eu", "z1", "a")
                    .set("numwant", "3").send());
            assertThat(member).hasSize(3).allMatch(p -> p >= 20001 && p <= 20011);
            List<Integer> senior = compactPorts(tracker.announce(ih, 1).at("eu", "z1", "a")
                    .set("numwant", "3").send());
            assertThat(senior).hasSize(3).contains(20020);
        }
    }

    @Test
    void givenCandidateAnnouncesAgain_thenItsViewIsReadBesideTheScript_andTheAnswerIsTheSame()
            throws Exception {
        populate();
        double beside = seniorsReads("beside");
        double script = seniorsReads("script");
        // Peer 6 was a candidate at its announce in populate(): the tracker expects it again.
        assertThat(announce(6, "z1", "b")).containsExactlyInAnyOrder(
                20099, 20001, 20002, 20005, 20007);
        assertThat(announce(6, "z1", "b")).containsExactlyInAnyOrder(
                20099, 20001, 20002, 20005, 20007);
        assertThat(seniorsReads("beside") - beside).isEqualTo(2);
        assertThat(seniorsReads("script") - script).isZero();
    }

    @Test
    void givenPeerPromotedToCandidate_thenTheScriptGivesItsFirstViewAndTheTrackerReadsTheNext()
            throws Exception {
        populate();
        tracker.announce(ih, 1).at("eu", "z1", "a").set("event", "stopped").send();
        tracker.announce(ih, 2).at("eu", "z1", "a").set("event", "stopped").send();
        double beside = seniorsReads("beside");
        double script = seniorsReads("script");
        // Peer 4 was no candidate when it last announced; now it represents rack a.
        List<Integer> expected = List.of(20003, 20005, 20006, 20099, 20008, 20009);
        assertThat(announce(4, "z1", "a")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(seniorsReads("script") - script).isEqualTo(1);
        assertThat(announce(4, "z1", "a")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(seniorsReads("beside") - beside).isEqualTo(1);
    }

    @Test
    void givenCandidateOutrankedBySeniorsMovingIn_thenTheReadBesideIsDroppedAndItGetsItsRack()
            throws Exception {
        populate();
        // Peers 1 and 2, the swarm's most senior, move to rack b: peer 7, one of rack b's
        // candidates when it last announced, is now its fifth.
        announce(1, "z1", "b");
        announce(2, "z1", "b");
        double wasted = seniorsReads("wasted");
        assertThat(announce(7, "z1", "b")).containsExactlyInAnyOrder(20001, 20002, 20005, 20006);
        assertThat(seniorsReads("wasted") - wasted).isEqualTo(1);
    }

    private double rackReads(String path) {
        return registry.get("rackswarm.tracker.rack.reads").tag("path", path).counter().count();
    }

    @Test
    void givenRackGrowsPastTheSample_thenItIsSampledFromThen_andAnswersStayWithinTheRack()
            throws Exception {
        // numwant 2: the sample is 3 peers. Rack r holds 3, then 6.
        for (int p = 1; p <= 3; p++) {
            tracker.announce(ih, p).at("eu", "z", "r").set("numwant", "2").send();
            Thread.sleep(2);
        }
        double whole = rackReads("whole");
        double sampled = rackReads("sampled");
        List<Integer> small = compactPorts(tracker.announce(ih, 3).at("eu", "z", "r")
                .set("numwant", "2").send());
        assertThat(small).containsExactlyInAnyOrder(20001, 20002);
        assertThat(rackReads("whole") - whole).isEqualTo(1);
        for (int p = 4; p <= 6; p++) {
            tracker.announce(ih, p).at("eu", "z", "r").set("numwant", "2").send();
        }
        // The rack outgrew the sample: an announce read it whole (the hint was stale), and
        // the next ones sample it. Answers come from the rack either way.
        for (int i = 0; i < 3; i++) {
            List<Integer> large = compactPorts(tracker.announce(ih, 5).at("eu", "z", "r")
                    .set("numwant", "2").send());
            assertThat(large).hasSize(2).doesNotContain(20005)
                    .allMatch(port -> port >= 20001 && port <= 20006);
        }
        assertThat(rackReads("sampled") - sampled).isGreaterThanOrEqualTo(3);
    }
}
