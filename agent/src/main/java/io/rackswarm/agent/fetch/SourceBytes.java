package io.rackswarm.agent.fetch;

import java.util.EnumMap;
import java.util.Map;

/** Bytes one download received, by where they came from. */
public final class SourceBytes {

    /** Where bytes come from; the names are the metric's {@code source} label values. */
    public enum Source {
        PEER_RACK("peer_rack"),
        PEER_REMOTE("peer_remote"),
        SEEDER_P2P("seeder_p2p"),
        SEEDER_HTTP("seeder_http");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final EnumMap<Source, Long> bytes = new EnumMap<>(Source.class);

    synchronized void add(Source source, long n) {
        bytes.merge(source, n, Long::sum);
    }

    public synchronized Map<Source, Long> snapshot() {
        return new EnumMap<>(bytes);
    }

    public synchronized long total() {
        return bytes.values().stream().mapToLong(Long::longValue).sum();
    }
}
