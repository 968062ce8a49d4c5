package io.rackswarm.seeder.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every setting of the seeder; README.md documents each key. */
@ConfigMapping(prefix = "rackswarm.seeder")
public interface SeederConfig {

    /** Directory of the blob cache: the StatefulSet's volume. */
    String cacheDir();

    /** Bytes the cache may hold; least recently used blobs are evicted beyond it. */
    @WithDefault("53687091200")
    long cacheBudgetBytes();

    /** Upstream used when a request names none (no {@code ns} parameter). */
    @WithDefault("docker.io")
    String defaultRegistry();

    /**
     * Registries the seeder may fetch from besides the default one and the plain-HTTP ones;
     * a request naming any other gets a 403.
     */
    @WithDefault("docker.io")
    List<String> upstreamRegistries();

    /** Upstream hosts reached over plain HTTP instead of HTTPS (in-cluster registries). */
    Optional<List<String>> plainHttpRegistries();

    /** A dockerconfigjson file (mounted Secret) with upstream credentials. */
    Optional<String> dockerConfig();

    /** Attempts per upstream request before giving up. */
    @WithDefault("4")
    int upstreamAttempts();

    /** Wait before the first retry; doubles on each further one. */
    @WithDefault("200ms")
    Duration upstreamBackoff();

    /**
     * Blobs pulled from upstream at once; more wait in a queue of as many, beyond which a pull
     * is refused with 503.
     */
    @WithDefault("16")
    int maxConcurrentPulls();

    /** A blob download that receives no byte for this long fails (and may be retried). */
    @WithDefault("30s")
    Duration upstreamStallTimeout();

    /**
     * How long each upstream request may wait for the response's headers (per attempt; an
     * upstream that accepts connections and never answers costs attempts × this).
     */
    @WithDefault("30s")
    Duration upstreamRequestTimeout();

    /** This replica's name (the pod name); its announce identity is origin/&lt;name&gt;. */
    @WithDefault("seeder-0")
    String replicaName();

    /** The tracker's base URL, e.g. http://rackswarm-tracker:7070. */
    String trackerUrl();

    /** The tracker's registration token. */
    String trackerAdminToken();

    /**
     * The secret this replica signs its {@code origin/<replica>} announce token with: the first
     * of the tracker's origin secrets. Only seeders and the tracker hold it.
     */
    String originSecret();

    /** Address other nodes reach this replica's BitTorrent port on (the pod IP). */
    @WithDefault("127.0.0.1")
    String peerHost();

    /** BitTorrent listen port. */
    @WithDefault("6881")
    int peerPort();

    /**
     * Names of all seeder replicas (the StatefulSet's pods). Empty: this replica owns every
     * blob.
     */
    Optional<List<String>> replicas();

    /** How each replica is reached; {name} is replaced by the replica's name. */
    @WithDefault("http://{name}.rackswarm-seeder:7080")
    String replicaUrlTemplate();

    /** k: how many replicas own (fetch and seed) each blob. */
    @WithDefault("2")
    int owners();

    /** Cap on what this replica uploads to all peers together, bytes/s; 0 for none. */
    @WithDefault("0")
    int uploadBytesPerSecond();
}
