package io.rackswarm.tracker.swarm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;

/**
 * CPU time to read a peer record: the tracker's PeerRecord against an older one (BasePeerRecord),
 * side by side in one JVM, alternating. 40 records as announce.lua writes them (10 racks in 2
 * zones), 3,000,000 reads per build and round; round 0 is a warm-up and is not printed. Run by
 * e2e/bench/record-ab.sh.
 */
public final class RecordBench {

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[0]);
        byte[][] records = new byte[40][];
        for (int i = 0; i < records.length; i++) {
            records[i] = String.format("%040x,1763880000%03d,1763880001%03d,%d,1763880002%03d,0,%d,"
                    + "10.0.0.%d,eu,z%d,r%d", i * 1_000_003L, i, i, i % 4 == 0 ? 0 : 1_048_576, i,
                    6881 + i, i + 1, i % 2, i % 10).getBytes(StandardCharsets.US_ASCII);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        int n = 3_000_000;
        for (int round = 0; round <= rounds; round++) {
            for (String build : new String[] {"base", "new"}) {
                long cpu0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    byte[] r = records[i % records.length];
                    sink += build.equals("base") ? BasePeerRecord.parse(r, 0, r.length).left()
                            : PeerRecord.parse(r, 0, r.length).left();
                }
                long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                if (round > 0) {
                    System.out.printf("round %d %s %.1f ns/record%n", round, build,
                            (double) cpu / n);
                }
            }
        }
        System.out.println("checksum " + sink);
    }
}
