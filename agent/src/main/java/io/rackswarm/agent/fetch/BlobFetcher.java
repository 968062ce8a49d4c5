package io.rackswarm.agent.fetch;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rackswarm.agent.cache.AgentCache;
import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.agent.seeder.SeederClient;
import io.rackswarm.agent.seeder.SeederException;
import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.metainfo.TorrentFile;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.RegistryHost;
import io.rackswarm.core.oci.Repository;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Brings blobs into the node's cache, one download per blob however many clients ask for it.
 *
 * <p>The order of sources: small blobs (below {@code p2p-min-bytes}) from the seeder over HTTP;
 * others over BitTorrent with the seeder's metainfo; when there is no metainfo or BitTorrent
 * stalls, the rest from the seeder over HTTP, resumed where the file's verified prefix ends.
 * The whole blob's sha256 is checked before it enters the cache; a mismatch discards the file.
 */
@ApplicationScoped
public class BlobFetcher {

    private static final Logger LOG = Logger.getLogger(BlobFetcher.class);
    private static final int MAX_DOWNLOADS = 32;
    private static final int MAX_WAITING = 1024;

    private final AgentCache cache;
    private final SeederClient seeder;
    private final TorrentSession torrents;
    private final FetchMetrics metrics;
    private final DescriptorSizes sizes;
    private final Seeding seeding;
    private final AgentConfig config;
    private final Map<Digest, Download> inFlight = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService watchdog;

    public BlobFetcher(AgentCache cache, SeederClient seeder, TorrentSession torrents,
            FetchMetrics metrics, DescriptorSizes sizes, Seeding seeding, AgentConfig config,
            MeterRegistry registry) {
        this.cache = cache;
        this.seeder = seeder;
        this.torrents = torrents;
        this.metrics = metrics;
        this.sizes = sizes;
        this.seeding = seeding;
        this.config = config;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(MAX_DOWNLOADS, MAX_DOWNLOADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_WAITING), r -> daemon(r, "fetch-" + n.incrementAndGet()));
        this.workers.allowCoreThreadTimeOut(true);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "fetch-watch"));
        Gauge.builder("rackswarm.agent.downloads.active", inFlight, Map::size)
                .description("blobs being fetched now").register(registry);
        Gauge.builder("rackswarm.agent.torrents.active", torrents, TorrentSession::torrents)
                .description("torrents in the agent's session, downloading or seeding")
                .register(registry);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Blobs being fetched now. */
    public Collection<Download> inFlight() {
        return List.copyOf(inFlight.values());
    }

    /**
     * The blob's download, started now unless one is running.
     *
     * @throws RejectedExecutionException too many downloads are waiting already
     */
    public Download fetch(Optional<RegistryHost> ns, Repository repository, Digest digest) {
        if (!digest.algorithm().equals("sha256")) {
            throw new IllegalArgumentException("only sha256 blobs are distributed: " + digest);
        }
        Download[] started = {null};
        Download d = inFlight.computeIfAbsent(digest, k -> {
            try {
                started[0] = new Download(k, cache.partialDir().resolve(k.hex()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return started[0];
        });
        if (started[0] != null) {
            try {
                workers.execute(() -> run(started[0], ns, repository));
            } catch (RejectedExecutionException e) {
                inFlight.remove(digest, started[0]);
                started[0].fail(e);
                throw e;
            }
        }
        return d;
    }

    private void run(Download download, Optional<RegistryHost> ns, Repository repository) {
        long start = System.nanoTime();
        try (Sha256Follower hasher = new Sha256Follower(download.file())) {
            Metainfo verified = transfer(download, ns, repository, hasher);
            Path cached = cache.admit(verified, download.file());
            metrics.fetched(Duration.ofNanos(System.nanoTime() - start));
            download.finish(cached);
            seeding.started(verified, cached.getParent());
            LOG.infof("fetched %s (%d bytes, %s) in %d ms%s", download.digest(),
                    verified.length(), download.bytes().snapshot(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    download.fallback().isEmpty() ? "" : ", fell back: " + download.fallback());
        } catch (Throwable e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof DigestMismatchException) {
                metrics.digestMismatch();
                deleteQuietly(download.file());
            }
            LOG.warnf("fetching %s failed: %s", download.digest(), e.getMessage());
            download.fail(e);
        } finally {
            inFlight.remove(download.digest(), download);
        }
    }

    private Metainfo transfer(Download download, Optional<RegistryHost> ns,
            Repository repository, Sha256Follower hasher)
            throws IOException, InterruptedException {
        Digest digest = download.digest();
        OptionalLong known = sizes.get(digest);
        TorrentFile torrent = null;
        if (known.isPresent() && known.getAsLong() < config.p2pMinBytes()) {
            download.mode("http");
        } else {
            try {
                SeederClient.Torrent t = seeder.metainfo(ns, repository, digest);
                torrent = TorrentFile.parse(t.file(), digest);
                if (!t.infoHashHex().isEmpty()
                        && !t.infoHashHex().equals(torrent.metainfo().infoHash().hex())) {
                    throw new IllegalArgumentException("seeder's info-hash " + t.infoHashHex()
                            + " is not the torrent's " + torrent.metainfo().infoHash());
                }
                download.sizeKnown(torrent.metainfo().length());
                seeding.announceBase(torrent.announce());
            } catch (SeederException e) {
                if (e.status() == 404) {
                    throw e; // neither the seeder nor its upstream has it
                }
                fallBack(download, "no_metainfo", e.getMessage());
            } catch (IllegalArgumentException e) {
                fallBack(download, "bad_metainfo", e.getMessage());
            }
        }
        HttpTransfer.Present present = null;
        if (torrent != null && torrent.metainfo().length() >= config.p2pMinBytes()) {
            download.mode("p2p");
            TorrentTransfer p2p = new TorrentTransfer(torrents, metrics,
                    config.p2pStallTimeout(), config.p2pStreamWindow(), download, torrent);
            if (!p2p.run(hasher)) {
                present = p2p.piecesHad();
                fallBack(download, "p2p_stall", "no progress for " + config.p2pStallTimeout()
                        + " at byte " + download.available() + " ("
                        + present.pieces().cardinality() + " pieces in)");
            }
        }
        if (download.size() < 0 || download.available() < download.size()) {
            download.mode("http");
            new HttpTransfer(seeder, metrics, watchdog, config.p2pStallTimeout())
                    .fill(download, ns, repository, hasher, present);
        }
        hasher.follow(download.size());
        String actual = hasher.hex();
        if (!actual.equals(digest.hex())) {
            throw new DigestMismatchException(digest, actual, download.size());
        }
        return torrent != null ? torrent.metainfo() : Metainfo.ofVerified(download.file(), digest);
    }

    private void fallBack(Download download, String reason, String detail) {
        download.fellBack(reason);
        metrics.fallback(reason);
        LOG.infof("%s: falling back to the seeder over HTTP (%s): %s", download.digest(), reason,
                detail);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a later download of the same blob overwrites it
        }
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
        watchdog.shutdownNow();
    }
}
