package io.rackswarm.seeder.mirror;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.Repository;
import io.rackswarm.core.cache.BlobCache;
import io.rackswarm.core.cache.Filling;
import io.rackswarm.core.metainfo.PieceHasher;
import io.rackswarm.seeder.config.SeederConfig;
import java.util.Optional;
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
 * into its deterministic torrent, registered with the tracker and seeded. A pull runs on a
 * thread of its own ({@code max-concurrent-pulls}); requests follow it as the bytes arrive, and
 * its torrent's pieces are hashed in the same pass as its digest.
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
    /** Piece hashes of pulls under way, fed as their bytes arrive. */
    private final Map<Digest, PieceHasher> hashing = new ConcurrentHashMap<>();
    /** Torrents of pulled blobs, built from the bytes as they arrived. */
    private final Map<Digest, Metainfo> hashed = new ConcurrentHashMap<>();
    private final java.util.concurrent.ThreadPoolExecutor pulls;
    /** Pulls under way whose end is watched (logged, seeded): by the request that found them. */
    private final java.util.Set<Filling> watched = ConcurrentHashMap.newKeySet();

    public PullThrough(BlobCache cache, RegistryClient upstream, SeedingSession seeding,
            TrackerRegistration tracker, Registrations registrations, MeterRegistry metrics,
            SeederConfig config) {
        java.util.concurrent.atomic.AtomicInteger threads =
                new java.util.concurrent.atomic.AtomicInteger();
        this.pulls = new java.util.concurrent.ThreadPoolExecutor(config.maxConcurrentPulls(),
                config.maxConcurrentPulls(), 30, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.ArrayBlockingQueue<>(config.maxConcurrentPulls()), r -> {
                    Thread t = new Thread(r, "pull-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.pulls.allowCoreThreadTimeOut(true);
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
        hashed.remove(digest);
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

    @jakarta.annotation.PreDestroy
    void stop() {
        pulls.shutdownNow();
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
        Optional<Filling> pull = pull(registry, repository, digest);
        if (pull.isEmpty()) {
            // Landed just now.
            return blob(registry, repository, digest);
        }
        Path path = await(pull.get());
        landed(digest, path);
        return path;
    }

    /** A pulled blob, verified as it arrived, is seeded (once, whoever asks first). */
    private void landed(Digest digest, Path path) {
        fetchedHere.add(digest);
        publish(digest, path);
    }

    /**
     * Starts pulling a missing blob from {@code registry}, or joins the pull under way, and
     * returns at once; when it lands, it is seeded. Empty when the blob is cached.
     *
     * @throws java.util.concurrent.RejectedExecutionException too many pulls are waiting
     */
    public Optional<Filling> pull(String registry, Repository repository, Digest digest) {
        long[] counted = {0};
        Optional<Filling> pull = cache.fill(digest, -1,
                d -> upstream.blob(registry, repository, d), n -> {
                    pulledBytes.increment(n - counted[0]);
                    counted[0] = n;
                    long now = System.nanoTime();
                    long last = lastProgressLog.get();
                    if (now - last > 2_000_000_000L && lastProgressLog.compareAndSet(last, now)) {
                        LOG.infof("pulling %s from %s/%s: %d bytes so far", digest, registry,
                                repository, n);
                    }
                }, length -> {
                    if (length < 0) {
                        return null;
                    }
                    PieceHasher pieces = new PieceHasher(length);
                    hashing.put(digest, pieces);
                    return pieces::update;
                }, pulls);
        pull.ifPresent(p -> {
            misses.increment();
            if (!watched.add(p)) {
                return; // joined a pull whose end is already watched
            }
            p.done().whenComplete((path, failed) -> {
                watched.remove(p);
                if (failed != null) {
                    hashing.remove(digest);
                    Throwable cause = failed instanceof java.util.concurrent.CompletionException
                            && failed.getCause() != null ? failed.getCause() : failed;
                    LOG.warnf("pull of %s from %s/%s failed: %s", digest, registry, repository,
                            io.rackswarm.seeder.upstream.UpstreamException.describe(cause));
                    return;
                }
                try {
                    landed(digest, path);
                } catch (RuntimeException e) {
                    LOG.warnf("could not seed %s: %s", digest, e.getMessage());
                }
            });
        });
        return pull;
    }

    /**
     * The pulled blob, once verified.
     *
     * @throws RuntimeException what the pull failed with (upstream, digest, cache)
     */
    public static Path await(Filling pull) {
        try {
            return pull.done().join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r
                    : new IllegalStateException(e.getCause());
        }
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
     * The blob's torrent. A blob this process pulled had its pieces hashed as it arrived (and
     * its digest checked); one found on the volume (after a restart, a crash, or a hand on the disk) is hashed again first, and
     * deleted if it does not match its digest.
     */
    private Metainfo metainfo(Digest digest, Path path) {
        // Pieces hashed as the bytes arrived, finished once for all who ask.
        Metainfo streamed = hashed.computeIfAbsent(digest, d -> {
            PieceHasher pieces = hashing.remove(d);
            try {
                return pieces == null ? null : pieces.finish(d);
            } catch (IllegalStateException shortOfItsLength) {
                // The upstream announced another length than it sent: hash the file instead.
                return null;
            }
        });
        if (streamed != null) {
            return streamed;
        }
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
