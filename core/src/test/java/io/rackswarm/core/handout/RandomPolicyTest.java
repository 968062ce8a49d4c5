package io.rackswarm.core.handout;

import static io.rackswarm.core.handout.Peers.NOW;
import static io.rackswarm.core.handout.Peers.SIZE;
import static io.rackswarm.core.handout.Peers.leecher;
import static io.rackswarm.core.handout.Peers.origin;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomPolicyTest {

    @Test
    void givenAnyPeer_thenPeersAreDrawnFromTheWholeSwarmIgnoringRacks() {
        List<PeerState> peers = List.of(leecher("a1", "eu", "z1", "a", 9),
                leecher("a2", "eu", "z1", "a", 8), leecher("b1", "eu", "z2", "b", 7),
                leecher("c1", "us", "z3", "c", 6));
        SwarmView view = new SwarmView(peers.get(3), peers, List.of(origin("o1")), SIZE);
        Set<String> seen = new HashSet<>();
        Random random = new Random(11);
        for (int i = 0; i < 50; i++) {
            Handout h = new RandomPolicy().handout(view, 2, NOW, random);
            assertThat(h.peers()).hasSize(2).allMatch(p -> p.link() == Link.RANDOM)
                    .noneMatch(p -> p.peer().key().equals("c1"));
            h.peers().forEach(p -> seen.add(p.peer().key()));
        }
        assertThat(seen).containsExactlyInAnyOrder("a1", "a2", "b1", "o1");
    }
}
