package io.rackswarm.tracker.announce;

import io.rackswarm.core.handout.Handout;
import io.rackswarm.core.handout.HandoutPolicy;
import io.rackswarm.core.handout.HandoutSettings;
import io.rackswarm.core.handout.RandomPolicy;
import io.rackswarm.tracker.auth.AnnounceAuthorizer;
import io.rackswarm.tracker.config.TrackerConfig;
import io.rackswarm.tracker.metrics.TrackerMetrics;
import io.rackswarm.tracker.swarm.Announcement;
import io.rackswarm.tracker.swarm.SwarmSnapshot;
import io.rackswarm.tracker.swarm.SwarmStore;
import io.rackswarm.tracker.swarm.UnregisteredTorrentException;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The announce pipeline: parse, authorize, store, choose peers, encode. Every failure becomes a
 * bencoded failure reason here, in one place.
 */
@ApplicationScoped
public class AnnounceService {

    private static final Logger LOG = Logger.getLogger(AnnounceService.class);
    static final String NO_TOPOLOGY_WARNING =
            "announce carries no rack, zone or region: peers are chosen without topology";

    private final TrackerConfig config;
    private final SwarmStore store;
    private final AnnounceAuthorizer authorizer;
    private final TrackerMetrics metrics;
    private final HandoutPolicy policy;
    private final AnnounceRequest.Limits limits;

    public AnnounceService(TrackerConfig config, SwarmStore store, AnnounceAuthorizer authorizer,
            TrackerMetrics metrics) {
        this.config = config;
        this.store = store;
        this.authorizer = authorizer;
        this.metrics = metrics;
        this.policy = HandoutPolicy.named(config.handoutPolicy(), new HandoutSettings(
                config.representatives(), config.representativeStaleAfter(),
                config.representativeStallAfter()));
        this.limits = new AnnounceRequest.Limits(config.defaultNumwant(), config.maxNumwant(),
                TrustedNetworks.parse(config.trustedNetworks().orElse(List.of())));
        if (config.maxNumwant() < 1 || config.defaultNumwant() < 0) {
            throw new IllegalArgumentException("max-numwant must be positive");
        }
    }

    /** Answers one announce; the future never fails: errors are encoded as failure reasons. */
    public Future<byte[]> announce(String rawQuery, InetAddress remote) {
        long start = System.nanoTime();
        AnnounceRequest request;
        Announcement announcement;
        try {
            request = AnnounceRequest.parse(QueryString.parse(rawQuery, config.maxQueryBytes()),
                    remote, limits);
            String identity = authorizer.authorize(request.token());
            announcement = new Announcement(request.infoHash(), request.peerId(),
                    request.endpoint(), request.location(), request.left(), request.event(),
                    AnnounceAuthorizer.isOrigin(identity));
        } catch (TrackerFailure f) {
            return Future.succeededFuture(fail("invalid", f, start));
        }
        long now = System.currentTimeMillis();
        return store.announce(announcement, now, request.numwant() + 1,
                        policy instanceof RandomPolicy)
                .map(snapshot -> respond(request, snapshot, now, start))
                .otherwise(e -> fail(request.event().label(), classify(e), start));
    }

    private byte[] respond(AnnounceRequest request, SwarmSnapshot snapshot, long now,
            long start) {
        Duration interval = config.announceInterval();
        Duration minInterval = config.minInterval();
        Handout handout = null;
        if (snapshot.view() != null && request.event() != Announcement.Event.STOPPED) {
            handout = policy.handout(snapshot.view(), request.numwant(), now,
                    ThreadLocalRandom.current());
            if (handout.starving()) {
                interval = config.retryInterval();
                minInterval = config.retryInterval().compareTo(minInterval) < 0
                        ? config.retryInterval() : minInterval;
            }
            metrics.handedOut(handout.peers(), handout.starving());
        }
        String warning = null;
        if (request.numwantCapped()) {
            warning = "numwant capped to " + config.maxNumwant();
        } else if (!request.location().isKnown()
                && !(handout != null && handout.role() == io.rackswarm.core.handout.Role.ORIGIN)) {
            warning = NO_TOPOLOGY_WARNING;
        }
        metrics.announced(request.event().label(), "ok", start);
        return AnnounceResponse.success(interval, minInterval, snapshot.seeds(),
                snapshot.leechers(), snapshot.downloaded(),
                handout == null ? List.of() : handout.peers(), request.compact(),
                request.noPeerId(), warning);
    }

    private static final FailureLog FAILURES = new FailureLog(10, TimeUnit.SECONDS);

    private static TrackerFailure classify(Throwable e) {
        if (e instanceof UnregisteredTorrentException) {
            return new TrackerFailure(TrackerFailure.Kind.UNREGISTERED,
                    "unregistered torrent: " + e.getMessage());
        }
        FAILURES.failed(e);
        return new TrackerFailure(TrackerFailure.Kind.UNAVAILABLE,
                "tracker temporarily unavailable, retry later");
    }

    private byte[] fail(String event, TrackerFailure f, long start) {
        metrics.announced(event, f.kind().label(), start);
        return AnnounceResponse.failure(f.getMessage());
    }
}
