package io.rackswarm.tracker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rackswarm.core.handout.HandedPeer;
import io.rackswarm.core.handout.Link;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The tracker's request metrics; names carry their unit as Prometheus expects. */
@ApplicationScoped
public class TrackerMetrics {

    private final MeterRegistry registry;
    private final Timer announceDuration;
    private final Map<Link, Counter> handedPeers = new EnumMap<>(Link.class);
    private final Counter starving;
    private final Counter redisShed;
    private final Counter redisResent;
    private final DistributionSummary redisBatches;
    private final Map<String, Counter> seniorsReads = new java.util.HashMap<>();
    private final Counter rackReadsWhole;
    private final Counter rackReadsSampled;
    /** Announce counters by event, then by result: no key is built per announce. */
    private final java.util.concurrent.ConcurrentHashMap<String,
            java.util.concurrent.ConcurrentHashMap<String, Counter>> announces =
            new java.util.concurrent.ConcurrentHashMap<>();

    public TrackerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.announceDuration = Timer.builder("rackswarm.tracker.announce.duration")
                .description("Time to answer an announce, Redis round trip included")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(2))
                .register(registry);
        for (Link link : Link.values()) {
            handedPeers.put(link, Counter.builder("rackswarm.tracker.handout.peers")
                    .description("Peers handed out, by the network link they would cross")
                    .tag("link", link.label()).register(registry));
        }
        this.redisShed = Counter.builder("rackswarm.tracker.redis.shed")
                .description("announces refused at once because too many were waiting for Redis")
                .register(registry);
        this.redisResent = Counter.builder("rackswarm.tracker.redis.resent")
                .description("Announces sent to Redis again, each on its own, after the batch"
                        + " they were in failed as a whole (one error reply fails a batch)")
                .register(registry);
        this.starving = Counter.builder("rackswarm.tracker.announce.retry.soon")
                .description("Announces answered with the short retry interval: "
                        + "nothing in the peer's tier held data yet")
                .register(registry);
        for (String path : List.of("beside", "script", "wasted", "refill")) {
            seniorsReads.put(path, Counter.builder("rackswarm.tracker.seniors.reads")
                    .description("Representatives' views read for candidates: beside the script"
                            + " (the tracker expected a candidate), by the script (it did not),"
                            + " wasted (it expected one wrongly), or refill (racks whose"
                            + " candidates went silent, read whole)")
                    .tag("path", path).register(registry));
        }
        this.rackReadsWhole = rackReads("whole");
        this.rackReadsSampled = rackReads("sampled");
        this.redisBatches = DistributionSummary.builder("rackswarm.tracker.redis.batch.announces")
                .description("Announces sent to Redis in one write (pipelining)")
                .register(registry);
    }

    /** @param path {@code beside}, {@code script} or {@code wasted} */
    public void seniorsRead(String path) {
        seniorsReads.get(path).increment();
    }

    private Counter rackReads(String path) {
        return Counter.builder("rackswarm.tracker.rack.reads")
                .description("Reads of the announcing peer's rack: whole (HVALS, the rack was no"
                        + " larger than the sample) or sampled (HRANDFIELD)")
                .tag("path", path).register(registry);
    }

    public void rackRead(boolean whole) {
        (whole ? rackReadsWhole : rackReadsSampled).increment();
    }

    public void redisBatch(int announces) {
        redisBatches.record(announces);
    }

    /** An announce refused because its event loop's Redis queue was full. */
    public void redisShed() {
        redisShed.increment();
    }

    public void redisResent(int announces) {
        redisResent.increment(announces);
    }

    public void announced(String event, String result, long startNanos) {
        announces.computeIfAbsent(event, e -> new java.util.concurrent.ConcurrentHashMap<>())
                .computeIfAbsent(result, r -> Counter
                        .builder("rackswarm.tracker.announces")
                        .description("Announces answered, by event and result")
                        .tag("event", event).tag("result", result).register(registry))
                .increment();
        announceDuration.record(System.nanoTime() - startNanos,
                java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void handedOut(List<HandedPeer> peers, boolean wasStarving) {
        int[] byLink = new int[Link.values().length];
        for (HandedPeer p : peers) {
            byLink[p.link().ordinal()]++;
        }
        for (Link link : Link.values()) {
            if (byLink[link.ordinal()] > 0) {
                handedPeers.get(link).increment(byLink[link.ordinal()]);
            }
        }
        if (wasStarving) {
            starving.increment();
        }
    }

    public void scraped(String result) {
        registry.counter("rackswarm.tracker.scrapes", "result", result).increment();
    }
}
