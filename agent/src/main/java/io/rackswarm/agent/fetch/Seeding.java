package io.rackswarm.agent.fetch;

import io.quarkus.runtime.StartupEvent;
import io.rackswarm.agent.cache.AgentCache;
import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.agent.config.AgentConfig.SeedPolicy;
import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.oci.Digest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Which cached blobs this node seeds to others, by the seed policy: while cached (the default),
 * for a while after the download, or never. After a restart the cache is verified blob by blob
 * and the good ones are seeded again. A blob peers are downloading is not evicted.
 *
 * <p>The tracker's announce URL comes from the seeders' metainfo; it is kept in the cache
 * directory so that a restarted agent can seed before it has asked a seeder anything.
 */
@ApplicationScoped
public class Seeding {

    private static final Logger LOG = Logger.getLogger(Seeding.class);

    private final AgentCache cache;
    private final TorrentSession torrents;
    private final AgentConfig config;
    private final Path announceFile;
    private final Map<Digest, Metainfo> seeded = new ConcurrentHashMap<>();
    private volatile String announceBase;
    private volatile String restore = "not started";

    public Seeding(AgentCache cache, TorrentSession torrents, AgentConfig config) {
        this.cache = cache;
        this.torrents = torrents;
        this.config = config;
        this.announceFile = Path.of(config.cacheDir(), "tracker-announce-url");
        cache.keepWhile(d -> {
            Metainfo m = seeded.get(d);
            return m != null && torrents.hasPeers(m.infoHash());
        });
        cache.onEvict(this::stop);
    }

    void onStart(@Observes StartupEvent event) {
        try {
            if (Files.isRegularFile(announceFile)) {
                announceBase = Files.readString(announceFile, StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            LOG.warnf("cannot read %s: %s", announceFile, e.getMessage());
        }
        Thread t = new Thread(this::restore, "cache-restore");
        t.setDaemon(true);
        t.start();
    }

    /** Verifies every cached blob found at start-up and seeds the good ones. */
    private void restore() {
        var all = cache.digests();
        int good = 0;
        int done = 0;
        for (Digest d : all) {
            Optional<Metainfo> m = cache.verify(d);
            if (m.isPresent()) {
                good++;
                if (config.seedPolicy() == SeedPolicy.WHILE_CACHED && announceBase != null) {
                    seed(m.get());
                }
            }
            done++;
            restore = "verified " + done + " of " + all.size();
            if (done % 50 == 0) {
                LOG.infof("cache restore: %d of %d blobs verified", done, all.size());
            }
        }
        restore = "done";
        LOG.infof("cache restore: %d blobs, %d good, %d dropped", all.size(), good,
                all.size() - good);
    }

    /** The tracker's announce URL as the seeders publish it. */
    void announceBase(String url) {
        if (!url.equals(announceBase)) {
            announceBase = url;
            try {
                Files.writeString(announceFile, url, StandardCharsets.UTF_8);
            } catch (IOException e) {
                LOG.warnf("cannot keep the announce URL in %s: %s", announceFile,
                        e.getMessage());
            }
        }
    }

    /** A blob just entered the cache. */
    void started(Metainfo metainfo, Path dir) {
        switch (config.seedPolicy()) {
            case NEVER -> {
                return;
            }
            case FOR_DURATION -> CompletableFuture.delayedExecutor(
                    config.seedDuration().toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> stop(metainfo.digest()));
            case WHILE_CACHED -> {
                // until evicted
            }
        }
        if (announceBase != null) {
            seed(metainfo);
        }
    }

    private void seed(Metainfo m) {
        cache.lease(m.digest()).ifPresent(lease -> {
            try (lease) {
                torrents.seed(m, announceBase, lease.path().getParent());
                seeded.put(m.digest(), m);
            } catch (RuntimeException e) {
                LOG.warnf("cannot seed %s: %s", m.digest(), e.getMessage());
            }
        });
    }

    private void stop(Digest digest) {
        Metainfo m = seeded.remove(digest);
        if (m != null) {
            torrents.remove(m.infoHash());
        }
    }

    public int seeding() {
        return seeded.size();
    }

    /** How far the start-up verification of the cache has got. */
    public String restoreState() {
        return restore;
    }
}
