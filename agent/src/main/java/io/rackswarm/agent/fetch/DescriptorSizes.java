package io.rackswarm.agent.fetch;

import io.rackswarm.core.oci.Digest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Blob sizes read from the manifests the agent passed to containerd, so that small blobs go
 * straight to the seeder over HTTP without a metainfo round trip. Bounded: the oldest entries
 * go first.
 */
@ApplicationScoped
public class DescriptorSizes {

    private static final int MAX_ENTRIES = 20_000;

    private final Map<Digest, Long> sizes = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Digest, Long> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    public synchronized void put(Digest digest, long size) {
        if (size >= 0) {
            sizes.put(digest, size);
        }
    }

    public synchronized OptionalLong get(Digest digest) {
        Long s = sizes.get(digest);
        return s == null ? OptionalLong.empty() : OptionalLong.of(s);
    }
}
