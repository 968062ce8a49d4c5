package io.rackswarm.tracker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every setting of the tracker; README.md documents each key. */
@ConfigMapping(prefix = "rackswarm.tracker")
public interface TrackerConfig {

    /** How often peers re-announce (BEP 3 {@code interval}). */
    @WithDefault("10s")
    Duration announceInterval();

    /** Clients must not announce more often than this (BEP 3 {@code min interval}). */
    @WithDefault("5s")
    Duration minInterval();

    /** Interval given to a peer whose tier holds no data yet, so it is not left starving. */
    @WithDefault("2s")
    Duration retryInterval();

    /**
     * The longest a client leaves between two announces, whatever {@code interval} it is told.
     * libtorrent (so qBittorrent and Deluge) waits at least its {@code min_announce_interval},
     * 300 s unless changed; rackswarm's seeders and agents follow the interval. Set 0s when only
     * clients that follow it announce here.
     */
    @WithDefault("300s")
    Duration clientAnnounceGap();

    /**
     * A peer that has not announced for this long is removed from its swarm. Unset, it is
     * {@link #clientAnnounceGap()} plus three announce intervals, so that a client that
     * announces as rarely as it may is never dropped between two announces.
     */
    Optional<Duration> peerTtl();

    /** The peer TTL in force: {@link #peerTtl()}, or derived from how clients announce. */
    default Duration effectivePeerTtl() {
        return peerTtl().orElseGet(() -> clientAnnounceGap()
                .plus(announceInterval().multipliedBy(3)));
    }

    /** Peers returned when the client does not send {@code numwant}. */
    @WithDefault("50")
    int defaultNumwant();

    /** Larger {@code numwant} values are capped to this. */
    @WithDefault("200")
    int maxNumwant();

    /**
     * {@code topology} (rack-aware, the default), {@code topology-chain} (rack-aware, and each
     * agent told only of its two neighbours in its rack, so the rack's copy passes along a
     * chain; meant with {@code representatives=1}) or {@code random} (for comparison).
     */
    @WithDefault("topology")
    String handoutPolicy();

    /** Representatives per rack, zone and region that carry traffic across its boundary. */
    @WithDefault("2")
    int representatives();

    /** A peer silent for this long is no representative. */
    @WithDefault("25s")
    Duration representativeStaleAfter();

    /** A downloading representative without progress for this long is replaced. */
    @WithDefault("60s")
    Duration representativeStallAfter();

    /**
     * Secrets that sign and verify the seeders' {@code origin/…} announce tokens; the first
     * signs, all verify (rotation). Only seeders and the tracker hold them. Each at least 16
     * bytes; none may also be a node secret.
     */
    List<String> originSecrets();

    /**
     * Secrets that sign and verify node announce tokens; the first signs (the token exchange),
     * all verify. Only the tracker holds them when agents use the token exchange; operators mint
     * tokens with them for nodes outside Kubernetes. Each at least 16 bytes.
     */
    List<String> nodeSecrets();

    /** Agents trade their projected ServiceAccount token for a node token. */
    TokenExchange tokenExchange();

    /** {@code POST /api/v1/tokens}: a node token for the pod's node, checked with TokenReview. */
    interface TokenExchange {

        /** Off outside Kubernetes; the chart turns it on. */
        @WithDefault("false")
        boolean enabled();

        /** The audience agents' projected ServiceAccount tokens must carry. */
        @WithDefault("rackswarm")
        String audience();

        /** ServiceAccounts ({@code namespace/name}) whose pods may get a node token. */
        Optional<List<String>> serviceAccounts();

        /** How long a node token is valid; agents renew it at half its life. */
        @WithDefault("1h")
        Duration tokenTtl();

        /** Exchanges in progress at once; more are answered 503 at once. */
        @WithDefault("16")
        int maxConcurrent();
    }

    /** Bearer token that the registration API demands; seeders hold it. */
    String adminToken();

    /** Networks whose requests may set the peer address with {@code ip} (CIDR notation). */
    Optional<List<String>> trustedNetworks();

    /** Longest announce or scrape query string accepted, in bytes. */
    @WithDefault("4096")
    int maxQueryBytes();

    /** At most this many info-hashes in one scrape. */
    @WithDefault("64")
    int maxScrapeHashes();

    /** Racks whose representative candidates a representative's announce reads. */
    @WithDefault("1024")
    int rackLimit();

    /**
     * Announce batches each event loop may have in flight to Redis; announces arriving meanwhile
     * wait and leave together in the next batch (one write, one read for all of them). Deep
     * enough that Redis rarely waits for the tracker: 8 against 2 measured 1.08x announces/s, 32
     * against 8 1.06x (BENCHMARKS.md).
     */
    @WithDefault("32")
    int redisPipelineDepth();

    /**
     * How long an announce waits for Redis, queued and in flight, before it fails with
     * "tracker temporarily unavailable" (and a connection Redis holds longer is replaced).
     */
    @WithDefault("1s")
    Duration redisTimeout();

    /** Announces each event loop may hold waiting for Redis; more fail at once (shed). */
    @WithDefault("4096")
    int redisMaxQueued();

    /** Prefix of every Redis key the tracker writes. */
    @WithDefault("rs")
    String keyPrefix();

    /** How often the swarm and peer gauges are recomputed from Redis. */
    @WithDefault("15s")
    Duration gaugeRefresh();
}
