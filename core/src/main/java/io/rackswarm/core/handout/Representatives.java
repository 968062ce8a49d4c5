package io.rackswarm.core.handout;

import io.rackswarm.core.topology.Tier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The representatives of every rack, zone and region of a swarm, derived from peer state alone.
 *
 * <p>A rack's representatives are its {@code R} most senior healthy members; a zone's are the
 * {@code R} most senior among its racks' representatives, and a region's likewise among its
 * zones'. Because the choice is a function of the stored state, every tracker replica computes
 * the same representatives without coordinating, and a representative that dies, stops or
 * stalls is replaced by the next announce that sees it.
 */
public final class Representatives {

    private final Map<Tier, Map<String, List<PeerState>>> byTier = new EnumMap<>(Tier.class);
    private final Map<Tier, Set<String>> keysByTier = new EnumMap<>(Tier.class);

    private Representatives() {
    }

    /**
     * @param peers agents of the swarm (no origins), in any order
     */
    public static Representatives of(Collection<PeerState> peers, HandoutSettings settings,
            long nowMillis) {
        Representatives reps = new Representatives();
        // Sorted once, so that every group's members come in order of seniority; each tier
        // keeps the order for the next by filtering, not by sorting again.
        List<PeerState> members = new ArrayList<>(peers);
        members.sort(PeerState.BY_SENIORITY);
        for (Tier tier : Tier.values()) {
            Map<String, List<PeerState>> groups = new LinkedHashMap<>();
            for (PeerState p : members) {
                groups.computeIfAbsent(p.location().groupKey(tier), k -> new ArrayList<>()).add(p);
            }
            Map<String, List<PeerState>> chosen = new LinkedHashMap<>();
            Set<String> keys = new HashSet<>();
            Set<PeerState> all = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Map.Entry<String, List<PeerState>> group : groups.entrySet()) {
                List<PeerState> picked = pick(group.getValue(), settings, nowMillis);
                chosen.put(group.getKey(), picked);
                for (PeerState p : picked) {
                    keys.add(p.key());
                    all.add(p);
                }
            }
            reps.byTier.put(tier, chosen);
            reps.keysByTier.put(tier, keys);
            List<PeerState> next = new ArrayList<>(all.size());
            for (PeerState p : members) {
                if (all.contains(p)) {
                    next.add(p);
                }
            }
            members = next;
        }
        return reps;
    }

    /**
     * The most senior healthy members; stalled (but live) members fill the places healthy ones
     * cannot, so that a group whose members all wait on the same slow source keeps its links.
     * Stale members never represent a group.
     *
     * @param members the group, most senior first
     */
    private static List<PeerState> pick(List<PeerState> members, HandoutSettings settings,
            long nowMillis) {
        int wanted = settings.representatives();
        long staleAfter = settings.staleAfter().toMillis();
        long stallAfter = settings.stallAfter().toMillis();
        List<PeerState> picked = new ArrayList<>(wanted);
        // First the healthy (live and progressing), then the stalled (live only).
        for (int pass = 0; pass < 2 && picked.size() < wanted; pass++) {
            for (PeerState p : members) {
                if (picked.size() == wanted) {
                    break;
                }
                if (nowMillis - p.lastSeenAtMillis() > staleAfter) {
                    continue;
                }
                boolean progressing = p.isSeed()
                        || nowMillis - p.progressAtMillis() <= stallAfter;
                if (progressing == (pass == 0)) {
                    picked.add(p);
                }
            }
        }
        return picked;
    }

    public boolean represents(PeerState peer, Tier tier) {
        return keysByTier.get(tier).contains(peer.key());
    }

    /** Representatives at a tier of every group, keyed by group. */
    public Map<String, List<PeerState>> at(Tier tier) {
        return byTier.get(tier);
    }
}
