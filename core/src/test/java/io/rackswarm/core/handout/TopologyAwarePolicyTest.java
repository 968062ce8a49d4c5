package io.rackswarm.core.handout;

import static io.rackswarm.core.handout.Peers.NOW;
import static io.rackswarm.core.handout.Peers.SIZE;
import static io.rackswarm.core.handout.Peers.leecher;
import static io.rackswarm.core.handout.Peers.origin;
import static io.rackswarm.core.handout.Peers.seed;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopologyAwarePolicyTest {

    private final HandoutPolicy policy = new TopologyAwarePolicy(HandoutSettings.DEFAULT);

    // Zone z1 has racks a and b; zone z2 has rack c. One region. The first two of each rack
    // by join time (a1, a2; b1, b2; c1, c2) represent their racks.
    private final PeerState a1 = leecher("a1", "eu", "z1", "a", 900);
    private final PeerState a2 = leecher("a2", "eu", "z1", "a", 800);
    private final PeerState a3 = leecher("a3", "eu", "z1", "a", 700);
    private final PeerState a4 = leecher("a4", "eu", "z1", "a", 600);
    private final PeerState b1 = leecher("b1", "eu", "z1", "b", 950);
    private final PeerState b2 = leecher("b2", "eu", "z1", "b", 500);
    private final PeerState b3 = leecher("b3", "eu", "z1", "b", 400);
    private final PeerState c1 = leecher("c1", "eu", "z2", "c", 300);
    private final PeerState c2 = leecher("c2", "eu", "z2", "c", 200);
    private final PeerState c3 = leecher("c3", "eu", "z2", "c", 100);
    private final PeerState o1 = origin("o1");
    private final List<PeerState> swarm = List.of(a1, a2, a3, a4, b1, b2, b3, c1, c2, c3);

    private Handout handout(PeerState self, List<PeerState> peers) {
        return policy.handout(new SwarmView(self, peers, List.of(o1), SIZE), 50, NOW, new Random(7));
    }

    private static List<String> keys(Handout h) {
        return h.peers().stream().map(p -> p.peer().key()).toList();
    }

    @Test
    void givenRackMemberThatIsNoRepresentative_thenItIsToldAboutItsOwnRackOnly() {
        Handout h = handout(a3, swarm);
        assertThat(h.role()).isEqualTo(Role.MEMBER);
        assertThat(keys(h)).containsExactlyInAnyOrder("a1", "a2", "a4");
        assertThat(h.peers()).allMatch(p -> p.link() == Link.RACK);
    }

    @Test
    void givenTheChainVariant_thenEachMemberIsToldOfItsTwoNeighboursInOrderOfSeniority() {
        HandoutPolicy chain = HandoutPolicy.named("topology-chain",
                new HandoutSettings(1, HandoutSettings.DEFAULT.staleAfter(),
                        HandoutSettings.DEFAULT.stallAfter()));
        // Rack a by seniority: a1, a2, a3, a4; a1 alone represents it.
        Handout middle = chain.handout(new SwarmView(a3, swarm, List.of(o1), SIZE), 50, NOW,
                new Random(7));
        Handout tail = chain.handout(new SwarmView(a4, swarm, List.of(o1), SIZE), 50, NOW,
                new Random(7));
        Handout head = chain.handout(new SwarmView(a1, swarm, List.of(o1), SIZE), 50, NOW,
                new Random(7));

        assertThat(keys(middle)).containsExactlyInAnyOrder("a2", "a4");
        assertThat(keys(tail)).containsExactly("a3");
        assertThat(head.role()).isEqualTo(Role.RACK_REPRESENTATIVE);
        assertThat(head.peers()).filteredOn(p -> p.link() == Link.RACK)
                .extracting(p -> p.peer().key()).containsExactly("a2");
    }

    @Test
    void givenRackRepresentative_thenItAlsoGetsTheRepresentativesOfTheOtherRacksOfItsZone() {
        Handout h = handout(a2, swarm);
        assertThat(h.role()).isEqualTo(Role.RACK_REPRESENTATIVE);
        assertThat(keys(h)).containsExactlyInAnyOrder("o1", "a1", "a3", "a4", "b1", "b2");
        assertThat(h.peers()).filteredOn(p -> p.link() == Link.ZONE)
                .extracting(p -> p.peer().key()).containsExactlyInAnyOrder("b1", "b2");
    }

    @Test
    void givenZoneAndRegionRepresentative_thenItReachesOtherZonesAndTheOrigins() {
        // Zone z1's representatives are its two most senior rack representatives: b1 and a1.
        // They are also the region's, as z1 holds the region's most senior peers.
        Handout h = handout(b1, swarm);
        assertThat(h.role()).isEqualTo(Role.REGION_REPRESENTATIVE);
        assertThat(h.peers()).filteredOn(p -> p.link() == Link.ORIGIN)
                .extracting(p -> p.peer().key()).containsExactly("o1");
        assertThat(h.peers()).filteredOn(p -> p.link() == Link.REGION)
                .extracting(p -> p.peer().key()).containsExactlyInAnyOrder("c1", "c2");
        assertThat(h.peers()).filteredOn(p -> p.link() == Link.ZONE)
                .extracting(p -> p.peer().key()).containsExactlyInAnyOrder("a1", "a2");
        assertThat(h.peers()).filteredOn(p -> p.link() == Link.RACK)
                .extracting(p -> p.peer().key()).containsExactlyInAnyOrder("b2", "b3");
    }

    @Test
    void givenZoneRepresentativeOfASecondZone_thenItReachesTheFirstZoneAndTheOrigins() {
        HandoutSettings one = new HandoutSettings(1, HandoutSettings.DEFAULT.staleAfter(),
                HandoutSettings.DEFAULT.stallAfter());
        Handout h = new TopologyAwarePolicy(one).handout(
                new SwarmView(c1, swarm, List.of(o1), SIZE), 50, NOW, new Random(1));
        assertThat(h.role()).isEqualTo(Role.ZONE_REPRESENTATIVE);
        assertThat(keys(h)).containsExactlyInAnyOrder("o1", "b1", "c2", "c3");
    }

    @Test
    void givenRackRepresentative_thenItIsToldAboutTheOriginsAndAMemberIsNot() {
        assertThat(handout(a2, swarm).peers()).filteredOn(p -> p.link() == Link.ORIGIN)
                .extracting(p -> p.peer().key()).containsExactly("o1");
        assertThat(keys(handout(a3, swarm))).doesNotContain("o1");
    }

    @Test
    void givenOrigin_thenItIsToldAboutTheRackRepresentativesOnly() {
        Handout h = handout(o1, swarm);
        assertThat(h.role()).isEqualTo(Role.ORIGIN);
        assertThat(keys(h)).containsExactlyInAnyOrder("a1", "a2", "b1", "b2", "c1", "c2");
    }

    @Test
    void givenRepresentativeStoppedAnnouncing_thenTheNextMostSeniorTakesItsPlace() {
        PeerState deadA1 = a1.withTimes(NOW - 30_000, NOW - 30_000);
        List<PeerState> peers = new ArrayList<>(swarm);
        peers.set(0, deadA1);
        assertThat(handout(a3, peers).role()).isEqualTo(Role.RACK_REPRESENTATIVE);
        assertThat(handout(b2, peers).peers()).extracting(p -> p.peer().key())
                .contains("a2", "a3").doesNotContain("a1");
    }

    @Test
    void givenStalledRepresentative_thenAHealthyPeerReplacesIt() {
        PeerState stalledA2 = a2.withTimes(NOW, NOW - 120_000);
        List<PeerState> peers = new ArrayList<>(swarm);
        peers.set(1, stalledA2);
        assertThat(handout(a3, peers).role()).isEqualTo(Role.RACK_REPRESENTATIVE);
        assertThat(handout(stalledA2, peers).role()).isEqualTo(Role.MEMBER);
    }

    @Test
    void givenEveryMemberStalled_thenTheMostSeniorStillRepresentTheRack() {
        List<PeerState> peers = swarm.stream().map(p -> p.withTimes(NOW, NOW - 120_000)).toList();
        assertThat(handout(peers.get(1), peers).role()).isEqualTo(Role.RACK_REPRESENTATIVE);
        assertThat(handout(peers.get(2), peers).role()).isEqualTo(Role.MEMBER);
    }

    @Test
    void givenRackWhereNobodyHasData_thenMemberIsStarvingAndComesBackSoon() {
        assertThat(handout(a3, swarm).starving()).isTrue();
        List<PeerState> peers = new ArrayList<>(swarm);
        peers.set(1, a2.withLeft(SIZE / 2));
        assertThat(handout(a3, peers).starving()).isFalse();
    }

    @Test
    void givenRegionRepresentative_thenOriginsMeanItIsNotStarving() {
        assertThat(handout(b1, swarm).starving()).isFalse();
    }

    @Test
    void givenSeedsAndPartialPeers_thenSeedsComeFirstThenPartialThenEmpty() {
        List<PeerState> peers = List.of(a1, a2.withLeft(SIZE / 2), a3,
                seed("a5", "eu", "z1", "a", 10), a4);
        Handout h = handout(a4, peers);
        assertThat(keys(h).subList(0, 2)).containsExactly("a5", "a2");
    }

    @Test
    void givenSeedAnnouncing_thenItIsNotToldAboutOtherSeeds() {
        PeerState s = seed("a9", "eu", "z1", "a", 5);
        List<PeerState> peers = List.of(a1, a2, seed("a5", "eu", "z1", "a", 10), s);
        Handout h = handout(s, peers);
        assertThat(keys(h)).containsExactlyInAnyOrder("a1", "a2");
        assertThat(h.starving()).isFalse();
    }

    @Test
    void givenPeersWithoutTopology_thenTheyFormOneGroupWhoseRepresentativesReachTheOrigins() {
        PeerState u1 = leecher("u1", "", "", "", 900);
        PeerState u2 = leecher("u2", "", "", "", 800);
        PeerState u3 = leecher("u3", "", "", "", 700);
        List<PeerState> peers = List.of(u1, u2, u3);
        assertThat(keys(handout(u1, peers))).containsExactlyInAnyOrder("o1", "u2", "u3");
        assertThat(keys(handout(u3, peers))).containsExactlyInAnyOrder("u1", "u2");
    }

    @Test
    void givenNumwant_thenNoMoreIsReturnedAndCrossRackLinksComeFirst() {
        Handout h = policy.handout(new SwarmView(a2, swarm, List.of(o1), SIZE), 2, NOW,
                new Random(3));
        assertThat(h.peers()).hasSize(2).allMatch(p -> p.link() != Link.RACK);
        assertThat(policy.handout(new SwarmView(a2, swarm, List.of(), SIZE), 0, NOW,
                new Random(3)).peers()).isEmpty();
    }

    @Test
    void givenSelfMissingFromTheStoresView_thenItIsStillPlacedInTheTree() {
        List<PeerState> withoutA1 = swarm.subList(1, swarm.size());
        assertThat(handout(a1, withoutA1).role()).isEqualTo(Role.REGION_REPRESENTATIVE);
    }

    @Test
    void givenPolicyNames_thenTheConfiguredPolicyIsBuilt() {
        assertThat(HandoutPolicy.named("topology", HandoutSettings.DEFAULT))
                .isInstanceOf(TopologyAwarePolicy.class);
        assertThat(HandoutPolicy.named("random", HandoutSettings.DEFAULT))
                .isInstanceOf(RandomPolicy.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> HandoutPolicy.named("nearest", HandoutSettings.DEFAULT))
                .hasMessageContaining("unknown handout policy");
    }
}
