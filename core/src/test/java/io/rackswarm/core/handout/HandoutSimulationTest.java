package io.rackswarm.core.handout;

import static io.rackswarm.core.handout.Peers.NOW;
import static io.rackswarm.core.handout.Peers.SIZE;
import static org.assertj.core.api.Assertions.assertThat;

import io.rackswarm.core.topology.Location;
import io.rackswarm.core.topology.Tier;
import io.rackswarm.core.torrent.PeerEndpoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Runs the policy for every member of generated swarms, as the tracker would after one round of
 * announces, and checks the shape of the resulting peer graph.
 */
class HandoutSimulationTest {

    @Property(tries = 150)
    void everyPeerReachesAnOriginAndCrossRackLinksStayFew(
            @ForAll @IntRange(min = 1, max = 3) int regions,
            @ForAll @IntRange(min = 1, max = 3) int zonesPerRegion,
            @ForAll @IntRange(min = 1, max = 5) int racksPerZone,
            @ForAll @IntRange(min = 1, max = 12) int peersPerRack,
            @ForAll @IntRange(min = 1, max = 3) int representatives,
            @ForAll long seed) {
        Random random = new Random(seed);
        List<PeerState> agents = new ArrayList<>();
        int n = 0;
        for (int r = 0; r < regions; r++) {
            for (int z = 0; z < zonesPerRegion; z++) {
                for (int k = 0; k < racksPerZone; k++) {
                    for (int p = 0; p < peersPerRack; p++) {
                        n++;
                        agents.add(new PeerState("p" + n, PeerEndpoint.of("10.1." + (n / 250) + "."
                                + (n % 250 + 1), 6881), new Location("r" + r, "z" + z, "k" + k),
                                SIZE, NOW - random.nextInt(100_000), NOW, NOW, false));
                    }
                }
            }
        }
        List<PeerState> origins = List.of(Peers.origin("o1"), Peers.origin("o2"));
        HandoutSettings settings = new HandoutSettings(representatives,
                HandoutSettings.DEFAULT.staleAfter(), HandoutSettings.DEFAULT.stallAfter());
        HandoutPolicy policy = new TopologyAwarePolicy(settings);

        Map<String, Set<String>> graph = new HashMap<>();
        Map<String, Location> where = new HashMap<>();
        Map<String, Integer> crossRackLinksPerRack = new HashMap<>();
        int toldAboutOrigins = 0;
        for (PeerState self : agents) {
            where.put(self.key(), self.location());
            Handout h = policy.handout(new SwarmView(self, agents, origins, SIZE), 10_000, NOW,
                    random);
            boolean sawOrigin = false;
            for (HandedPeer hp : h.peers()) {
                link(graph, self.key(), hp.peer().key());
                sawOrigin |= hp.peer().origin();
                if (!hp.peer().origin()
                        && !hp.peer().location().equals(self.location())) {
                    assertThat(h.role()).isNotEqualTo(Role.MEMBER);
                    crossRackLinksPerRack.merge(self.location().groupKey(Tier.RACK), 1,
                            Integer::sum);
                }
            }
            if (h.role() == Role.MEMBER) {
                assertThat(h.peers()).allMatch(p -> p.link() == Link.RACK);
            }
            if (sawOrigin) {
                toldAboutOrigins++;
            }
        }

        int racks = regions * zonesPerRegion * racksPerZone;
        assertThat(toldAboutOrigins).isLessThanOrEqualTo(representatives * racks);
        assertThat(reachable(graph, "o1")).containsAll(where.keySet());
        int bound = representatives * representatives * (racks - 1);
        crossRackLinksPerRack.values().forEach(v -> assertThat(v).isLessThanOrEqualTo(bound));
    }

    private static void link(Map<String, Set<String>> graph, String a, String b) {
        graph.computeIfAbsent(a, k -> new HashSet<>()).add(b);
        graph.computeIfAbsent(b, k -> new HashSet<>()).add(a);
    }

    private static Set<String> reachable(Map<String, Set<String>> graph, String from) {
        Set<String> seen = new HashSet<>(List.of(from));
        ArrayDeque<String> queue = new ArrayDeque<>(seen);
        while (!queue.isEmpty()) {
            for (String next : graph.getOrDefault(queue.poll(), Set.of())) {
                if (seen.add(next)) {
                    queue.add(next);
                }
            }
        }
        return seen;
    }
}
