package io.rackswarm.seeder.metainfo;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.torrent.InfoHash;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Keeps every seeded torrent registered with the tracker, in the background: serving a blob never
 * waits for the tracker. A failed registration is retried with a growing delay; one the tracker
 * has lost (its Redis lost its data) is registered again when the tracker says so.
 *
 * <p>The pending set holds one entry per seeded blob at most, so it is bounded by the cache.
 */
@ApplicationScoped
public class Registrations {

    private static final Logger LOG = Logger.getLogger(Registrations.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);

    private final TrackerRegistration tracker;
    private final Map<InfoHash, Pending> pending = new ConcurrentHashMap<>();
    /** When each published torrent's last registration landed (one entry per seeded blob). */
    private final Map<InfoHash, Long> landedAt = new ConcurrentHashMap<>();
    /** Announces sent this long before a registration landed may still come back refused. */
    private static final Duration SETTLING = Duration.ofSeconds(2);
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
            r -> {
                Thread t = new Thread(r, "tracker-registration");
                t.setDaemon(true);
                return t;
            });
    private final Counter failures;
    private volatile Consumer<InfoHash> onRegistered = ih -> { };
    /** The last failure logged, so an outage logs one line and not one per blob and attempt. */
    private volatile String lastLogged = "";

    public Registrations(TrackerRegistration tracker, MeterRegistry metrics) {
        this.tracker = tracker;
        this.failures = Counter.builder("rackswarm.seeder.tracker.registration.failures")
                .description("registration attempts the tracker did not take").register(metrics);
        Gauge.builder("rackswarm.seeder.tracker.registrations.pending", pending, Map::size)
                .register(metrics);
    }

    /** Told of each torrent once the tracker has it (the seeder then announces at once). */
    public void onRegistered(Consumer<InfoHash> listener) {
        this.onRegistered = listener;
    }

    /** A registration not yet taken; {@code landed} completes when it is. */
    private record Pending(Metainfo metainfo, CompletableFuture<Void> landed) {
    }

    /** Registers the torrent soon; a torrent already waiting is not queued twice. */
    public void register(Metainfo metainfo) {
        Pending p = new Pending(metainfo, new CompletableFuture<>());
        if (pending.putIfAbsent(metainfo.infoHash(), p) == null) {
            retries.execute(() -> attempt(p, FIRST_RETRY));
        }
    }

    /**
     * Waits a little for a pending registration, so that a downloader handed the metainfo
     * right after the blob was cached is not refused by the tracker on its first announce.
     *
     * @return whether the torrent is registered (or was never pending here)
     */
    public boolean awaitRegistered(InfoHash infoHash, Duration patience) {
        Pending p = pending.get(infoHash);
        if (p == null) {
            return true;
        }
        try {
            p.landed().get(patience.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Torrents not yet registered. */
    public int pending() {
        return pending.size();
    }

    /**
     * Whether the tracker's "unregistered torrent" for this torrent is expected rather than news:
     * its registration is still on its way, or landed so recently that the announce the tracker
     * refused was sent before it.
     */
    public boolean settling(InfoHash infoHash) {
        if (pending.containsKey(infoHash)) {
            return true;
        }
        Long at = landedAt.get(infoHash);
        return at != null && System.nanoTime() - at < SETTLING.toNanos();
    }

    private void attempt(Pending p, Duration nextDelay) {
        if (pending.get(p.metainfo().infoHash()) != p) {
            return; // withdrawn (the blob was evicted)
        }
        Metainfo metainfo = p.metainfo();
        try {
            tracker.register(metainfo);
            landedAt.put(metainfo.infoHash(), System.nanoTime());
            pending.remove(metainfo.infoHash(), p);
            p.landed().complete(null);
            if (!lastLogged.isEmpty()) {
                LOG.infof("tracker takes registrations again (%s)", metainfo.digest());
                lastLogged = "";
            }
            onRegistered.accept(metainfo.infoHash());
        } catch (TrackerUnavailableException e) {
            failures.increment();
            if (!e.getMessage().equals(lastLogged)) {
                lastLogged = e.getMessage();
                LOG.warnf("registration of %s failed, retrying (%d waiting): %s",
                        metainfo.digest(), pending.size(), e.getMessage());
            }
            Duration after = nextDelay.multipliedBy(2);
            retries.schedule(() -> attempt(p, after.compareTo(LAST_RETRY) > 0
                    ? LAST_RETRY : after), nextDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Stops retrying a torrent that is no longer seeded. */
    public void withdraw(InfoHash infoHash) {
        landedAt.remove(infoHash);
        Pending p = pending.remove(infoHash);
        if (p != null) {
            p.landed().cancel(false);
        }
    }

    @PreDestroy
    void stop() {
        retries.shutdownNow();
    }
}
