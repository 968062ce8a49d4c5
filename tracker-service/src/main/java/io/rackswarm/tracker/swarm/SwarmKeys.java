package io.rackswarm.tracker.swarm;

import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.InfoHash;

/**
 * Redis key names. Every key of a swarm carries the info-hash as a hash tag, so a swarm lives in
 * one Redis Cluster slot and its announce script may touch all of its keys.
 */
public record SwarmKeys(String prefix, InfoHash infoHash) {

    private String key(String suffix) {
        return prefix + ":{" + infoHash.hex() + "}:" + suffix;
    }

    /** Registration (digest, size), counters and the swarm's timeline. */
    public String torrent() {
        return key("torrent");
    }

    public String peers() {
        return key("peers");
    }

    public String seeds() {
        return key("seeds");
    }

    /** Records of every rack's representative candidates and of the origins. */
    public String seniors() {
        return key("seniors");
    }

    public String racks() {
        return key("racks");
    }

    /** Prefix of the per-rack keys; the rack's region/zone/rack path follows. */
    public String rackPrefix() {
        return key("rack:");
    }

    /** A rack's members by join time (sorted set); also the rack's name in {@link #racks()}. */
    public String rack(Location location) {
        return rackPrefix() + location.region() + "/" + location.zone() + "/" + location.rack();
    }

    /** A rack's peer records (hash), read as the announcing peer's view of its rack. */
    public String rackRecords(Location location) {
        return rackRecords(rack(location));
    }

    public static String rackRecords(String rackKey) {
        return rackKey + ":records";
    }

    /** The digest index lives outside the swarm's slot: digest to info-hash. */
    public static String digestIndex(String prefix, Digest digest) {
        return prefix + ":digest:" + digest;
    }

    /** Pattern matching one key per swarm, for the periodic gauges. */
    public static String peersPattern(String prefix) {
        return prefix + ":{*}:peers";
    }
}
