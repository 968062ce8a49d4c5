package io.rackswarm.agent.cache;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.core.cache.BlobCache;
import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.oci.Digest;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The node's blob cache on its hostPath. A blob found on disk at start-up is served only once its
 * bytes hash to its digest again (the file may have been cut short by a crash or changed by
 * hand); one that does not is deleted. Verification runs in the background for all of them and
 * on demand for the one a client asks for first.
 */
@ApplicationScoped
public class AgentCache {

    private static final Logger LOG = Logger.getLogger(AgentCache.class);

    private final BlobCache blobs;
    private final Path root;
    /** Verified blobs and their metainfo; a blob is served only when it is here. */
    private final Map<Digest, Metainfo> verified = new ConcurrentHashMap<>();

    public AgentCache(AgentConfig config, MeterRegistry metrics) throws IOException {
        this.root = Files.createDirectories(Path.of(config.cacheDir()));
        this.blobs = BlobCache.open(root, config.cacheBudgetBytes());
        Gauge.builder("rackswarm.agent.cache.size", blobs, BlobCache::usedBytes).baseUnit("bytes")
                .register(metrics);
        Gauge.builder("rackswarm.agent.cache.entries", blobs, BlobCache::size).register(metrics);
        blobs.onEvict(verified::remove);
    }

    /** Where downloads in progress write, on the cache's file system (for atomic moves). */
    public Path partialDir() throws IOException {
        return Files.createDirectories(root.resolve("partial"));
    }

    /** Blobs for which {@code inUse} holds are not evicted (peers are downloading them). */
    public void keepWhile(Predicate<Digest> inUse) {
        blobs.keepWhile(inUse);
    }

    /** Told of every evicted or dropped blob. */
    public void onEvict(Consumer<Digest> listener) {
        blobs.onEvict(d -> {
            verified.remove(d);
            listener.accept(d);
        });
    }

    /**
     * The blob, leased against eviction, if cached and verified (verifying it now if it was
     * found on disk at start-up and not checked yet).
     */
    public Optional<BlobCache.Lease> lease(Digest digest) {
        Optional<BlobCache.Lease> lease = blobs.lease(digest);
        if (lease.isEmpty()) {
            return lease;
        }
        if (verify(digest).isEmpty()) {
            lease.get().close();
            return Optional.empty();
        }
        return lease;
    }

    /**
     * Checks a blob found on disk against its digest; drops it if it fails.
     *
     * @return its metainfo if it is good
     */
    public Optional<Metainfo> verify(Digest digest) {
        Metainfo known = verified.get(digest);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Path> file = blobs.find(digest);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            Metainfo m = Metainfo.of(file.get(), digest);
            verified.put(digest, m);
            return Optional.of(m);
        } catch (IllegalArgumentException bad) {
            LOG.warnf("cached blob %s failed its digest check and is deleted: %s", digest,
                    bad.getMessage());
            drop(digest);
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Moves a verified download into the cache. */
    public Path admit(Metainfo metainfo, Path file) throws IOException {
        Path cached = blobs.admit(metainfo.digest(), file);
        verified.put(metainfo.digest(), metainfo);
        return cached;
    }

    private void drop(Digest digest) {
        try {
            blobs.drop(digest);
        } catch (IOException e) {
            LOG.warnf("cannot delete %s: %s", digest, e.getMessage());
        }
    }

    /** Whether the blob is in the cache (verified or not yet), without counting a use. */
    public boolean isCached(Digest digest) {
        return blobs.contains(digest);
    }

    /** Cached digests, least recently used first. */
    public java.util.List<Digest> digests() {
        return blobs.digests();
    }

    public long usedBytes() {
        return blobs.usedBytes();
    }

    public int entries() {
        return blobs.size();
    }

    public boolean isLeased(Digest digest) {
        return blobs.isLeased(digest);
    }
}
