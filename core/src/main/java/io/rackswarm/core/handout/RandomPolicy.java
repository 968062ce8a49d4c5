package io.rackswarm.core.handout;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Topology ignored: a uniform sample of the swarm, origins included. This is what plain trackers
 * do; benchmarks compare it with {@link TopologyAwarePolicy}.
 */
public final class RandomPolicy implements HandoutPolicy {

    @Override
    public Handout handout(SwarmView view, int numwant, long nowMillis, RandomGenerator random) {
        PeerState self = view.self();
        List<PeerState> pool = new ArrayList<>(view.peers().size() + view.origins().size());
        for (PeerState p : view.peers()) {
            if (!p.key().equals(self.key()) && !(self.isSeed() && p.isSeed())) {
                pool.add(p);
            }
        }
        if (!self.isSeed()) {
            for (PeerState o : view.origins()) {
                if (!o.key().equals(self.key())) {
                    pool.add(o);
                }
            }
        }
        // Partial Fisher-Yates: only the first numwant places are drawn.
        int n = Math.min(numwant, pool.size());
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(pool.size() - i);
            PeerState tmp = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, tmp);
        }
        List<HandedPeer> chosen = pool.subList(0, n).stream()
                .map(p -> new HandedPeer(p, Link.RANDOM)).toList();
        boolean starving = !self.isSeed() && numwant > 0
                && chosen.stream().noneMatch(h -> view.hasData(h.peer()));
        Role role = self.origin() ? Role.ORIGIN : Role.MEMBER;
        return new Handout(role, chosen, starving);
    }
}
