package io.rackswarm.agent.mirror;

import io.rackswarm.agent.seeder.SeederClient.Manifest;
import io.rackswarm.core.oci.Digest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Manifests by digest, as they passed through the agent: content-addressed, so they never go
 * stale, and a second node-local pull of the same image needs no seeder. Bounded by bytes; the
 * least recently used go first.
 */
@ApplicationScoped
public class ManifestCache {

    private static final long MAX_BYTES = 64L * 1024 * 1024;

    private final LinkedHashMap<Digest, Manifest> manifests = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    public synchronized void put(Manifest m) {
        Manifest old = manifests.put(m.digest(), m);
        bytes += m.bytes().length - (old == null ? 0 : old.bytes().length);
        Iterator<Map.Entry<Digest, Manifest>> lru = manifests.entrySet().iterator();
        while (bytes > MAX_BYTES && lru.hasNext()) {
            bytes -= lru.next().getValue().bytes().length;
            lru.remove();
        }
    }

    public synchronized Optional<Manifest> get(Digest digest) {
        return Optional.ofNullable(manifests.get(digest));
    }
}
