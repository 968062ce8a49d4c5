package io.rackswarm.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RendezvousRingTest {

    private static final List<String> THREE = List.of("seeder-0", "seeder-1", "seeder-2");

    @Test
    void givenSameMembersInAnyOrder_thenEveryReplicaComputesTheSameOwners() {
        RendezvousRing a = new RendezvousRing(THREE, 2);
        RendezvousRing b = new RendezvousRing(List.of("seeder-2", "seeder-0", "seeder-1"), 2);
        for (int i = 0; i < 200; i++) {
            assertThat(a.ownersOf("sha256:" + i)).hasSize(2).isEqualTo(b.ownersOf("sha256:" + i));
        }
    }

    @Test
    void givenManyKeys_thenOwnershipSpreadsEvenly() {
        RendezvousRing ring = new RendezvousRing(THREE, 1);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3000; i++) {
            counts.merge(ring.ownersOf("blob-" + i).get(0), 1, Integer::sum);
        }
        assertThat(counts.values()).allMatch(c -> c > 800 && c < 1200);
    }

    @Test
    void givenAMemberLeavesOrJoins_thenOnlyKeysItOwnsOrTakesMove() {
        RendezvousRing before = new RendezvousRing(THREE, 2);
        RendezvousRing after = new RendezvousRing(List.of("seeder-0", "seeder-1"), 2);
        RendezvousRing grown = new RendezvousRing(List.of("seeder-0", "seeder-1", "seeder-2",
                "seeder-3"), 2);
        for (int i = 0; i < 500; i++) {
            String key = "blob-" + i;
            List<String> was = before.ownersOf(key);
            if (!was.contains("seeder-2")) {
                assertThat(after.ownersOf(key)).isEqualTo(was);
            }
            // A joining member can only take places; no key moves between the old members.
            assertThat(grown.ownersOf(key)).allMatch(m -> m.equals("seeder-3") || was.contains(m));
        }
    }

    @Test
    void givenMoreOwnersThanMembers_thenEveryMemberOwns_andBadInputIsRefused() {
        assertThat(new RendezvousRing(List.of("only"), 2).ownersOf("k")).containsExactly("only");
        assertThatThrownBy(() -> new RendezvousRing(List.of(), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RendezvousRing(List.of("a", "a"), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RendezvousRing(THREE, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
