package io.rackswarm.agent.fetch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rackswarm.agent.fetch.SourceBytes.Source;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The agent's counters of bytes by source, fallbacks, bad pieces and pull latency. */
@ApplicationScoped
public class FetchMetrics {

    private final MeterRegistry registry;
    private final Map<Source, Counter> bytes = new EnumMap<>(Source.class);
    private final Map<String, Counter> fallbacks = new ConcurrentHashMap<>();
    private final Map<String, Counter> served = new ConcurrentHashMap<>();
    private final Counter failedPieces;
    private final Counter digestMismatches;
    private final Timer pulls;

    public FetchMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Source s : Source.values()) {
            bytes.put(s, Counter.builder("rackswarm.agent.fetched").baseUnit("bytes")
                    .description("blob bytes received, by where they came from")
                    .tag("source", s.label()).register(registry));
        }
        failedPieces = Counter.builder("rackswarm.agent.pieces.failed")
                .description("pieces peers sent that failed their SHA-1 check").register(registry);
        digestMismatches = Counter.builder("rackswarm.agent.digest.mismatches")
                .description("downloads whose bytes did not match the blob's sha256")
                .register(registry);
        pulls = Timer.builder("rackswarm.agent.blob.fetch")
                .description("time to fetch a blob not in the cache, to its verified end")
                .publishPercentileHistogram().register(registry);
        // Every known label value from the start, at 0: rates and dashboards need the series
        // before the first event.
        for (String reason : FALLBACK_REASONS) {
            fallbackCounter(reason);
        }
        for (String from : SERVED_FROM) {
            servedCounter(from);
        }
    }

    /** Why a download left BitTorrent: no metainfo, a bad one, or no progress. */
    static final String[] FALLBACK_REASONS = {"no_metainfo", "bad_metainfo", "p2p_stall"};
    /** Where an answered blob came from. */
    static final String[] SERVED_FROM = {"cache", "download"};

    private Counter fallbackCounter(String reason) {
        return fallbacks.computeIfAbsent(reason, r -> Counter.builder("rackswarm.agent.fallbacks")
                .description("downloads that left BitTorrent or the agent, by reason")
                .tag("reason", r).register(registry));
    }

    private Counter servedCounter(String from) {
        return served.computeIfAbsent(from, f -> Counter.builder("rackswarm.agent.blobs.served")
                .description("blob requests answered, by whether the blob was cached")
                .tag("from", f).register(registry));
    }

    void received(Source source, long n) {
        if (n > 0) {
            bytes.get(source).increment(n);
        }
    }

    void fallback(String reason) {
        fallbackCounter(reason).increment();
    }

    void pieceFailed() {
        failedPieces.increment();
    }

    void digestMismatch() {
        digestMismatches.increment();
    }

    void fetched(Duration took) {
        pulls.record(took);
    }

    /** A blob answered to a client, from the cache or from a download in flight. */
    public void served(String from) {
        servedCounter(from).increment();
    }
}
