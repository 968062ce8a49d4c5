package io.rackswarm.core.handout;

import io.rackswarm.core.topology.Tier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    private Representatives() {
    }

    /**
     * @param peers agents of the swarm (no origins), in any order
     */
    public static Representatives of(Collection<PeerState> peers, HandoutSettings settings,
            long nowMillis) {
        Representatives reps = new Representatives();
        // Sorted once, so that every group's members come in order of seniority; each tier
        // keeps the order for the next by filtering, not by sorting again. Groups hold positions
        // in that order, so the filter is an array of flags, not a set of peers.
        List<PeerState> members = new ArrayList<>(peers);
        members.sort(PeerState.BY_SENIORITY);
        for (Tier tier : Tier.values()) {
            Map<String, List<Integer>> groups = new LinkedHashMap<>();
            for (int i = 0; i < members.size(); i++) {
                groups.computeIfAbsent(members.get(i).location().groupKey(tier),
                        k -> new ArrayList<>()).add(i);
            }
            Map<String, List<PeerState>> chosen = new LinkedHashMap<>();
            boolean[] picked = new boolean[members.size()];
            int count = 0;
            for (Map.Entry<String, List<Integer>> group : groups.entrySet()) {
                List<PeerState> picks = pick(members, group.getValue(), settings, nowMillis,
                        picked);
                chosen.put(group.getKey(), picks);
                count += picks.size();
            }
            reps.byTier.put(tier, chosen);
            List<PeerState> next = new ArrayList<>(count);
            for (int i = 0; i < picked.length; i++) {
                if (picked[i]) {
                    next.add(members.get(i));
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
     * @param members the tier's members, most senior first
     * @param group the positions of one group's members among them, in that order
     * @param picked marks the members chosen, for the next tier
     */
    private static List<PeerState> pick(List<PeerState> members, List<Integer> group,
            HandoutSettings settings, long nowMillis, boolean[] picked) {
        int wanted = settings.representatives();
        long stallAfter = settings.stallAfter().toMillis();
        List<PeerState> chosen = new ArrayList<>(wanted);
        // First the healthy (live and progressing), then the stalled (live only).
        for (int pass = 0; pass < 2 && chosen.size() < wanted; pass++) {
            for (int i : group) {
                if (chosen.size() == wanted) {
                    break;
                }
                PeerState p = members.get(i);
                if (!live(p, settings, nowMillis)) {
                    continue;
                }
                boolean progressing = p.isSeed()
                        || nowMillis - p.progressAtMillis() <= stallAfter;
                if (progressing == (pass == 0)) {
                    chosen.add(p);
                    picked[i] = true;
                }
            }
        }
        return chosen;
    }

    /**
     * Whether a peer may represent its group at all: it still announces (it is not stale). A
     * group whose most senior members include fewer than R such peers is represented by less
     * senior ones.
     */
    public static boolean live(PeerState p, HandoutSettings settings, long nowMillis) {
        return nowMillis - p.lastSeenAtMillis() <= settings.staleAfter().toMillis();
    }

    public boolean represents(PeerState peer, Tier tier) {
        List<PeerState> group = byTier.get(tier).get(peer.location().groupKey(tier));
        if (group != null) {
            for (PeerState p : group) {
                if (p.key().equals(peer.key())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Representatives at a tier of every group, keyed by group. */
    public Map<String, List<PeerState>> at(Tier tier) {
        return byTier.get(tier);
    }
}
