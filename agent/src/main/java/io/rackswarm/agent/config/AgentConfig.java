package io.rackswarm.agent.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every setting of the agent; README.md documents each key. */
@ConfigMapping(prefix = "rackswarm.agent")
public interface AgentConfig {

    /** Directory of the node's blob cache (a hostPath). */
    String cacheDir();

    /** Bytes the cache may hold; least recently used blobs are evicted beyond it. */
    @WithDefault("21474836480")
    long cacheBudgetBytes();

    /** The seeders' base URL (their Service), e.g. http://rackswarm-seeder:7080. */
    String seederUrl();

    /** How long connecting to a seeder may take before the agent gives up on it. */
    @WithDefault("2s")
    Duration seederConnectTimeout();

    /**
     * How long a seeder may take to answer a manifest or metainfo request, which may include its
     * own pull from upstream.
     */
    @WithDefault("60s")
    Duration seederRequestTimeout();

    /** Blobs smaller than this come from the seeder over HTTP, without a torrent. */
    @WithDefault("4194304")
    long p2pMinBytes();

    /**
     * Whether an image manifest passing through starts fetching the image's blobs below
     * {@code p2p-min-bytes} (at most 32 MiB of them) before the runtime asks for them.
     */
    @WithDefault("true")
    boolean prefetchSmallBlobs();

    /**
     * A BitTorrent download that gains no byte for this long falls back to the seeder over HTTP
     * for the rest.
     */
    @WithDefault("15s")
    Duration p2pStallTimeout();

    /**
     * Pieces after the first missing one that get deadlines, so the reader's next bytes come
     * first; 0 leaves the order to libtorrent's rarest-first, which duplicates least across a
     * rack uplink but lets the reader wait until the blob is nearly complete.
     */
    @WithDefault("8")
    int p2pStreamWindow();

    /** This node's name (the downward API's spec.nodeName); its announce identity. */
    String nodeName();

    /**
     * The pod's projected ServiceAccount token (audience {@code rackswarm}), traded at the
     * tracker's token exchange for a short-lived node token: the way in Kubernetes, where the node
     * then holds no signing secret. Needs {@link #trackerUrl()}.
     */
    Optional<java.nio.file.Path> serviceAccountTokenFile();

    /** The tracker's base URL, for the token exchange, e.g. http://rackswarm-tracker:7070. */
    Optional<String> trackerUrl();

    /**
     * Outside Kubernetes: this node's announce token, {@code <node>.<mac>}, minted by an operator
     * with the tracker's node secret.
     */
    Optional<String> announceToken();

    /** Outside Kubernetes: the tracker's node secret, to mint this node's token itself. */
    Optional<String> nodeSecret();

    /** Where the node's region, zone and rack come from. */
    Topology topology();

    /** Address other nodes reach this agent's BitTorrent port on (the node's IP). */
    @WithDefault("127.0.0.1")
    String peerHost();

    /** BitTorrent listen port. */
    @WithDefault("6881")
    int peerPort();

    /** Cap on what this agent uploads to all peers together, bytes/s; 0 for none. */
    @WithDefault("0")
    long uploadBytesPerSecond();

    /** Cap on what this agent downloads from all peers together, bytes/s; 0 for none. */
    @WithDefault("0")
    long downloadBytesPerSecond();

    /** How long a cached blob is seeded to other nodes. */
    @WithDefault("while-cached")
    SeedPolicy seedPolicy();

    /** With {@code seed-policy=for-duration}: how long after it was fetched. */
    @WithDefault("1h")
    Duration seedDuration();

    /** Streams of blobs still downloading that may be sent at once; more get a 503. */
    @WithDefault("64")
    int maxStreams();

    /** containerd and CRI-O mirror configuration the agent writes on the host. */
    Runtime runtime();

    /**
     * A second listener that serves only the Prometheus metrics ({@code GET /metrics}), for
     * a scraper outside the node: the mirror itself stays on the loopback. 0 for none.
     */
    @WithDefault("0")
    int metricsPort();

    /** Address of the metrics listener (the node's IP in the chart). */
    @WithDefault("127.0.0.1")
    String metricsHost();

    /** How long a cached blob is seeded. */
    enum SeedPolicy {
        /** As long as it is in the cache. */
        WHILE_CACHED,
        /** For {@code seed-duration} after it was fetched. */
        FOR_DURATION,
        /** Never: the node only downloads. */
        NEVER
    }

    /** Where the node's topology comes from. */
    interface Topology {

        /** {@code kubernetes}: the Node's labels, followed; {@code config}: the values below. */
        @WithDefault("kubernetes")
        Source source();

        /** The Node label that names the rack. */
        @WithDefault("rackswarm.io/rack")
        String rackLabel();

        /** With {@code source=config}: the region. */
        Optional<String> region();

        /** With {@code source=config}: the zone. */
        Optional<String> zone();

        /** With {@code source=config}: the rack. */
        Optional<String> rack();

        /** Where the node's topology comes from. */
        enum Source {
            KUBERNETES, CONFIG
        }
    }

    /** The container runtime's mirror configuration. */
    interface Runtime {

        /**
         * containerd's {@code config_path} on the host as mounted into the agent, e.g.
         * /host/etc/containerd/certs.d. Empty: the agent writes no hosts.toml.
         */
        Optional<String> containerdCertsDir();

        /**
         * CRI-O's drop-in directory as mounted, e.g. /host/etc/containers/registries.conf.d.
         * Empty: the agent writes no CRI-O drop-in.
         */
        Optional<String> crioRegistriesDir();

        /** Registries the node pulls through the agent; {@code _default} for all of them. */
        @WithDefault("_default")
        List<String> registries();

        /** The agent's mirror URL as the runtime reaches it. */
        @WithDefault("http://127.0.0.1:5080")
        String mirrorUrl();
    }
}
