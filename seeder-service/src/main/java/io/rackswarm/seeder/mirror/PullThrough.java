package io.rackswarm.seeder.mirror;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.Repository;
import io.rackswarm.core.cache.BlobCache;
import io.rackswarm.seeder.metainfo.Registrations;
import io.rackswarm.seeder.metainfo.TrackerRegistration;
import io.rackswarm.seeder.torrent.SeedingSession;
import io.rackswarm.seeder.upstream.RegistryClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The seeder's core path: a blob is pulled from upstream once, verified into the cache, turned
 * into its deterministic torrent, registered with the tracker and seeded.
 */
@ApplicationScoped
public class PullThrough {

    private static final Logger LOG = Logger.getLogger(PullThrough.class);
    private static final java.time.Duration REGISTRATION_PATIENCE =
            java.time.Duration.ofSeconds(2);

    private final BlobCache cache;
    private final RegistryClient upstream;
    private final SeedingSession seeding;
    private final TrackerRegistration tracker;
    private final Registrations registrations;
    private final Map<Digest, Metainfo> published = new ConcurrentHashMap<>();
    /** Blobs this process downloaded and verified, as opposed to found on the volume. */
    private final java.util.Set<Digest> fetchedHere = ConcurrentHashMap.newKeySet();
    private final Counter hits;
    private final Counter misses;
    private final Counter pulledBytes;
    private final Counter reregistrations;
    private final AtomicLong lastProgressLog = new AtomicLong();

    public PullThrough(BlobCache cache, RegistryClient upstream, SeedingSession seeding,
            TrackerRegistration tracker, Registrations registrations, MeterRegistry metrics) {
        this.cache = cache;
        this.upstream = upstream;
        this.seeding = seeding;
        this.tracker = tracker;
        this.registrations = registrations;
        registrations.onRegistered(seeding::reannounce);
        this.reregistrations = Counter.builder("rackswarm.seeder.tracker.reregistrations")
                .description("torrents registered again because the tracker had lost them")
                .register(metrics);
        seeding.onUnregistered(infoHash -> published.values().stream()
                .filter(m -> m.infoHash().equals(infoHash)).findFirst()
                // Refused while its own registration is on the way: that is no loss.
                .filter(m -> !registrations.settling(infoHash))
                .ifPresent(m -> {
                    LOG.infof("the tracker lost %s (%s): registering it again", m.digest(),
                            infoHash);
                    reregistrations.increment();
                    registrations.register(m);
                }));
        this.hits = metrics.counter("rackswarm.seeder.cache.hits");
        this.misses = metrics.counter("rackswarm.seeder.cache.misses");
        this.pulledBytes = Counter.builder("rackswarm.seeder.upstream.pulled").baseUnit("bytes")
                .register(metrics);
        cache.onEvict(this::evicted);
        cache.keepWhile(d -> {
            Metainfo m = published.get(d);
            return m != null && seeding.hasPeers(m.infoHash());
        });
        Gauge.builder("rackswarm.seeder.cache.size", cache, BlobCache::usedBytes)
                .baseUnit("bytes").register(metrics);
        Gauge.builder("rackswarm.seeder.cache.entries", cache, BlobCache::size).register(metrics);
        Gauge.builder("rackswarm.seeder.torrents.seeded", seeding,
                SeedingSession::torrentsSeeded).register(metrics);
        Gauge.builder("rackswarm.seeder.peers.uploaded", seeding, SeedingSession::uploadedBytes)
                .baseUnit("bytes").register(metrics);
    }

    private void evicted(Digest digest) {
        Metainfo m = published.remove(digest);
        if (m != null) {
            registrations.withdraw(m.infoHash());
            seeding.stop(m.infoHash());
            LOG.infof("evicted %s: no longer seeding %s", digest, m.infoHash());
        }
    }

    /**
     * The blob, pulled through if missing, held against eviction until the lease is closed
     * (when the response has been sent).
     */
    public BlobCache.Lease leaseBlob(String registry, Repository repository, Digest digest) {
        // Eviction can strike between caching and leasing under budget pressure; try again.
        for (int attempt = 0; attempt < 3; attempt++) {
            blob(registry, repository, digest);
            var lease = cache.lease(digest);
            if (lease.isPresent()) {
                return lease.get();
            }
        }
        throw new io.rackswarm.core.cache.CacheFullException("blob " + digest
                + " was evicted as soon as it was cached: the cache budget is too small", null);
    }

    /** The blob's file if this replica holds it. */
    public java.util.Optional<Path> cached(Digest digest) {
        return cache.find(digest);
    }

    /** The cached blob, pulled from {@code registry} on a miss, and seeded. */
    public Path blob(String registry, Repository repository, Digest digest) {
        var cached = cache.find(digest);
        if (cached.isPresent()) {
            try {
                publish(digest, cached.get());
                hits.increment();
                return cached.get();
            } catch (CorruptBlobException deleted) {
                // fetched again from upstream below
            }
        }
        misses.increment();
        long[] counted = {0};
        Path path = cache.fetch(digest, -1, d -> upstream.blob(registry, repository, d), n -> {
            pulledBytes.increment(n - counted[0]);
            counted[0] = n;
            long now = System.nanoTime();
            long last = lastProgressLog.get();
            if (now - last > 2_000_000_000L && lastProgressLog.compareAndSet(last, now)) {
                LOG.infof("pulling %s from %s/%s: %d bytes so far", digest, registry,
                        repository, n);
            }
        });
        fetchedHere.add(digest);
        publish(digest, path);
        return path;
    }

    /** The torrent of a blob, pulling and seeding it first if needed. */
    public Metainfo metainfo(String registry, Repository repository, Digest digest) {
        blob(registry, repository, digest);
        Metainfo m = published.get(digest);
        // The downloader announces as soon as it has this; give a reachable tracker a moment to
        // take the registration first. An unreachable one does not hold the answer up for long.
        registrations.awaitRegistered(m.infoHash(), REGISTRATION_PATIENCE);
        return m;
    }

    /**
     * Seeds every blob already in the cache, as after a restart. Blobs are hashed again to build
     * their torrents; progress is logged as it goes.
     */
    public void publishCached() {
        java.util.List<Digest> all = cache.digests();
        int done = 0;
        for (Digest d : all) {
            try {
                cache.find(d).ifPresent(p -> publish(d, p));
            } catch (CorruptBlobException deleted) {
                // logged; a later request fetches it again
            }
            done++;
            if (done % 50 == 0 || done == all.size()) {
                LOG.infof("re-seeding cached blobs: %d of %d", done, all.size());
            }
        }
    }

    /** What the cache holds and what is seeded, for the cache listing. */
    public java.util.List<CachedBlob> list() {
        return cache.digests().stream().map(d -> {
            Metainfo m = published.get(d);
            long size = cache.find(d).map(p -> p.toFile().length()).orElse(0L);
            return new CachedBlob(d.toString(), size, m == null ? null : m.infoHash().hex(),
                    m != null && seeding.isSeeding(m.infoHash()));
        }).toList();
    }

    /** A cached blob failed its digest check and was deleted. */
    static final class CorruptBlobException extends RuntimeException {
        CorruptBlobException(Digest digest) {
            super("cached blob " + digest + " was corrupt and has been deleted");
        }
    }

    /** One entry of the cache listing. */
    public record CachedBlob(String digest, long size, String infoHash, boolean seeding) {
    }

    private void publish(Digest digest, Path path) {
        if (published.containsKey(digest)) {
            return;
        }
        Metainfo m = metainfo(digest, path);
        published.computeIfAbsent(digest, d -> {
            // Seeding starts at once; the tracker refuses its announces until the registration
            // (retried in the background) has landed.
            seeding.seed(m, path.getParent(), tracker.announceUrl());
            registrations.register(m);
            LOG.infof("seeding %s as %s", d, m.infoHash());
            return m;
        });
    }

    /**
     * The blob's torrent. A blob this process fetched was hashed as it arrived; one found on
     * the volume (after a restart, a crash, or a hand on the disk) is hashed again first, and
     * deleted if it does not match its digest.
     */
    private Metainfo metainfo(Digest digest, Path path) {
        try {
            if (fetchedHere.contains(digest)) {
                return Metainfo.ofVerified(path, digest);
            }
            try {
                return Metainfo.of(path, digest);
            } catch (IllegalArgumentException mismatch) {
                LOG.warnf("cached blob %s does not match its digest and is deleted: %s", digest,
                        mismatch.getMessage());
                cache.drop(digest);
                throw new CorruptBlobException(digest);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
