import io.rackswarm.core.handout.HandoutSettings;
import io.rackswarm.core.handout.PeerState;
import io.rackswarm.core.handout.SwarmView;
import io.rackswarm.core.handout.TopologyAwarePolicy;
import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.PeerEndpoint;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * CPU time of the topology-aware handout for the views the tracker benchmark produces (100
 * peers per swarm over 2 zones and 10 racks, a quarter of them seeds): a rack member sees its
 * rack (10 records); a representative candidate also sees "seniors" (the 3 most senior of every
 * rack, 30 records). Seven of ten announces come from members, as in the benchmark.
 *
 *   java -cp CORE_CLASSES:e2e/bench/policy PolicyBench SECONDS   prints "RESULT ns_per_handout=..."
 */
public final class PolicyBench {

    public static void main(String[] args) {
        long seconds = Long.parseLong(args[0]);
        long now = 1_763_880_000_000L;
        SplittableRandom rnd = new SplittableRandom(7);
        List<PeerState> swarm = new ArrayList<>();
        for (int p = 0; p < 100; p++) {
            Location where = new Location("eu", "z" + (p % 2), "r" + (p % 10));
            long left = p % 4 == 0 ? 0 : 1_048_576;
            swarm.add(new PeerState(String.format("%040x", p * 1_000_003L),
                    PeerEndpoint.of("10.0." + (p / 250) + "." + (p % 250 + 1), 6881 + p), where,
                    left, now - 100_000 + p * 997L % 50_000, now - rnd.nextInt(20_000),
                    now - rnd.nextInt(30_000), false));
        }
        List<SwarmView> views = new ArrayList<>();
        for (int p = 0; p < 100; p++) {
            PeerState self = swarm.get(p);
            List<PeerState> seen = new ArrayList<>();
            for (PeerState q : swarm) {
                if (q.location().equals(self.location())) {
                    seen.add(q);
                }
            }
            if (p % 10 < 3) {
                // A candidate: the rack's 3 most senior of every rack, beside its own rack.
                for (int r = 0; r < 10; r++) {
                    List<PeerState> rack = new ArrayList<>();
                    for (PeerState q : swarm) {
                        if (q.location().rack().equals("r" + r)) {
                            rack.add(q);
                        }
                    }
                    rack.sort(PeerState.BY_SENIORITY);
                    for (PeerState q : rack.subList(0, 3)) {
                        if (!seen.contains(q)) {
                            seen.add(q);
                        }
                    }
                }
            }
            views.add(new SwarmView(self, seen, List.of(), 1_048_576));
        }
        TopologyAwarePolicy policy = new TopologyAwarePolicy(new HandoutSettings(2,
                Duration.ofSeconds(25), Duration.ofSeconds(60)));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        SplittableRandom shuffle = new SplittableRandom(11);
        long sink = 0;
        // Warm-up: let C2 compile the policy before anything is counted.
        for (int i = 0; i < 2_000_000; i++) {
            sink += policy.handout(views.get(i % 100), 50, now, shuffle).peers().size();
        }
        long handouts = 0;
        long cpu0 = threads.getCurrentThreadCpuTime();
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < until) {
            for (int i = 0; i < 1000; i++) {
                sink += policy.handout(views.get(i % 100), 50, now, shuffle).peers().size();
            }
            handouts += 1000;
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        System.out.printf("RESULT ns_per_handout=%.0f handouts=%d peers=%d%n",
                (double) cpu / handouts, handouts, sink);
    }
}
