package io.rackswarm.core.handout;

import io.rackswarm.core.topology.Tier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Keeps traffic low in the network (ARCHITECTURE.md, decision 3).
 *
 * <p>Every agent is told about the peers of its own rack. A rack representative is also told
 * about the origins and the representatives of the other racks of its zone, a zone representative
 * about those of the other zones of its region, and a region representative about those of other
 * regions. Data thus enters each rack, zone and region over about {@code R} links and spreads
 * inside it. Origins are told about the rack representatives.
 *
 * <p>Origins go to every rack's representatives, not only to the region's: a seeder's link is
 * the datacenter's, and feeding the whole region through the host links of its R region
 * representatives made those links the bottleneck of every rollout (e2e/run measured it).
 *
 * <p>Inside each group of links, peers holding data come first, seeds before partial peers; peers
 * of equal standing are shuffled so that load spreads.
 */
public final class TopologyAwarePolicy implements HandoutPolicy {

    private final HandoutSettings settings;
    private final boolean chain;

    public TopologyAwarePolicy(HandoutSettings settings) {
        this(settings, false);
    }

    /**
     * @param chain whether each agent is told only of its two neighbours in its rack (its live
     *     rack mates in order of seniority), so that the rack's copy passes along a chain, every
     *     host link carrying it once, instead of through a mesh
     */
    public TopologyAwarePolicy(HandoutSettings settings, boolean chain) {
        this.settings = settings;
        this.chain = chain;
    }

    @Override
    public Handout handout(SwarmView view, int numwant, long nowMillis, RandomGenerator random) {
        PeerState self = view.self();
        List<PeerState> agents = agentsIncludingSelf(view);
        Representatives reps = Representatives.of(agents, settings, nowMillis);

        List<HandedPeer> out = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        taken.add(self.key());
        Role role;
        if (self.origin()) {
            role = Role.ORIGIN;
            add(out, taken, flatten(reps.at(Tier.RACK), null), Link.ORIGIN, view, random);
        } else {
            role = roleOf(self, reps);
            if (role.compareTo(Role.RACK_REPRESENTATIVE) >= 0) {
                add(out, taken, view.origins(), Link.ORIGIN, view, random);
            }
            if (role.compareTo(Role.REGION_REPRESENTATIVE) >= 0) {
                add(out, taken, flatten(reps.at(Tier.REGION), self.location().groupKey(Tier.REGION)),
                        Link.CLUSTER, view, random);
            }
            if (role.compareTo(Role.ZONE_REPRESENTATIVE) >= 0) {
                add(out, taken, othersInGroup(reps.at(Tier.ZONE), self, Tier.ZONE, Tier.REGION),
                        Link.REGION, view, random);
            }
            if (role.compareTo(Role.RACK_REPRESENTATIVE) >= 0) {
                add(out, taken, othersInGroup(reps.at(Tier.RACK), self, Tier.RACK, Tier.ZONE),
                        Link.ZONE, view, random);
            }
            String rack = self.location().groupKey(Tier.RACK);
            List<PeerState> rackMates = new ArrayList<>(agents.size());
            for (PeerState p : agents) {
                if (p.location().groupKey(Tier.RACK).equals(rack)) {
                    rackMates.add(p);
                }
            }
            add(out, taken, chain ? neighbours(rackMates, self, nowMillis) : rackMates,
                    Link.RACK, view, random);
        }
        if (self.isSeed()) {
            // A seed has nothing to gain from other seeds; it only needs peers to upload to.
            out.removeIf(h -> h.peer().isSeed());
        }
        List<HandedPeer> chosen = out.subList(0, Math.min(numwant, out.size()));
        boolean starving = !self.isSeed() && numwant > 0 && noneHoldsData(chosen, view);
        return new Handout(role, chosen, starving);
    }

    /** Self's neighbours among its live rack mates ordered by seniority (self included). */
    private List<PeerState> neighbours(List<PeerState> rackMates, PeerState self,
            long nowMillis) {
        List<PeerState> live = new ArrayList<>(rackMates.size());
        for (PeerState p : rackMates) {
            if (p == self || Representatives.live(p, settings, nowMillis)) {
                live.add(p);
            }
        }
        live.sort(PeerState.BY_SENIORITY);
        int at = live.indexOf(self);
        List<PeerState> out = new ArrayList<>(2);
        if (at > 0) {
            out.add(live.get(at - 1));
        }
        if (at >= 0 && at + 1 < live.size()) {
            out.add(live.get(at + 1));
        }
        return out;
    }

    private static boolean noneHoldsData(List<HandedPeer> peers, SwarmView view) {
        for (HandedPeer h : peers) {
            if (view.hasData(h.peer())) {
                return false;
            }
        }
        return true;
    }

    private static List<PeerState> agentsIncludingSelf(SwarmView view) {
        List<PeerState> agents = new ArrayList<>(view.peers().size() + 1);
        boolean selfSeen = false;
        for (PeerState p : view.peers()) {
            if (p.origin()) {
                continue;
            }
            if (p.key().equals(view.self().key())) {
                selfSeen = true;
                agents.add(view.self());
            } else {
                agents.add(p);
            }
        }
        if (!selfSeen && !view.self().origin()) {
            agents.add(view.self());
        }
        return agents;
    }

    private static Role roleOf(PeerState self, Representatives reps) {
        if (reps.represents(self, Tier.REGION)) {
            return Role.REGION_REPRESENTATIVE;
        }
        if (reps.represents(self, Tier.ZONE)) {
            return Role.ZONE_REPRESENTATIVE;
        }
        if (reps.represents(self, Tier.RACK)) {
            return Role.RACK_REPRESENTATIVE;
        }
        return Role.MEMBER;
    }

    /** Representatives of every group at {@code tier} except self's own group, all in one list. */
    private static List<PeerState> flatten(Map<String, List<PeerState>> groups, String exceptKey) {
        List<PeerState> all = new ArrayList<>();
        groups.forEach((key, members) -> {
            if (!key.equals(exceptKey)) {
                all.addAll(members);
            }
        });
        return all;
    }

    /**
     * Representatives of the groups at {@code tier} that share self's {@code parent} group,
     * except self's own group.
     */
    private static List<PeerState> othersInGroup(Map<String, List<PeerState>> groups,
            PeerState self, Tier tier, Tier parent) {
        String own = self.location().groupKey(tier);
        String parentKey = self.location().groupKey(parent);
        List<PeerState> all = new ArrayList<>();
        groups.forEach((key, members) -> {
            if (!key.equals(own) && !members.isEmpty()
                    && members.get(0).location().groupKey(parent).equals(parentKey)) {
                all.addAll(members);
            }
        });
        return all;
    }

    private static void add(List<HandedPeer> out, Set<String> taken, List<PeerState> candidates,
            Link link, SwarmView view, RandomGenerator random) {
        List<PeerState> fresh = new ArrayList<>();
        for (PeerState p : candidates) {
            if (taken.add(p.key())) {
                fresh.add(p);
            }
        }
        for (int i = fresh.size() - 1; i > 0; i--) {
            Collections.swap(fresh, i, random.nextInt(i + 1));
        }
        fresh.sort(Comparator.comparingInt(p -> standing(p, view)));
        fresh.forEach(p -> out.add(new HandedPeer(p, link)));
    }

    /** 0 for seeds, 1 for peers holding some data, 2 for peers holding none. */
    static int standing(PeerState p, SwarmView view) {
        if (p.isSeed()) {
            return 0;
        }
        return view.hasData(p) ? 1 : 2;
    }
}
