package io.rackswarm.core.torrent;

import io.rackswarm.core.topology.Location;
import io.rackswarm.core.topology.Tier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the start of a rackswarm peer id says about the peer, so that a downloader can count its
 * bytes by source without asking the tracker where each peer sits. Seeders' ids start with
 * {@value #SEEDER}; agents' with {@value #AGENT} and six hex digits naming their rack (a hash
 * of region, zone and rack). libtorrent fills the rest of the 20 bytes at random.
 */
public final class PeerFingerprint {

    public static final String SEEDER = "-RS01S-";
    public static final String AGENT = "-RS01A-";
    private static final int RACK_TAG = 6;

    /** Where a peer's bytes come from, as seen by a downloader. */
    public enum Source {
        /** An agent in the downloader's own rack. */
        PEER_RACK,
        /** An agent in another rack. */
        PEER_REMOTE,
        /** A seeder-service replica. */
        SEEDER,
        /** A client that is not rackswarm's. */
        OTHER
    }

    /** The rack tag of the location this fingerprint belongs to, computed once. */
    private final String ownTag;

    private PeerFingerprint(String ownTag) {
        this.ownTag = ownTag;
    }

    /** The fingerprint of an agent at {@code own}, which classifies the peers it meets. */
    public static PeerFingerprint of(Location own) {
        return new PeerFingerprint(rackTag(own));
    }

    /** The peer id prefix of an agent at this location. */
    public static String agent(Location location) {
        return of(location).prefix();
    }

    /** Classifies a peer by its id, from the point of view of a downloader at {@code own}. */
    public static Source classify(byte[] peerId, Location own) {
        return of(own).classify(peerId);
    }

    /** This agent's peer id prefix. */
    public String prefix() {
        return AGENT + ownTag;
    }

    /** Classifies a peer by its id, from this agent's point of view; no hashing per call. */
    public Source classify(byte[] peerId) {
        String id = new String(peerId, StandardCharsets.ISO_8859_1);
        if (id.startsWith(SEEDER)) {
            return Source.SEEDER;
        }
        if (!id.startsWith(AGENT) || id.length() < AGENT.length() + RACK_TAG) {
            return Source.OTHER;
        }
        String tag = id.substring(AGENT.length(), AGENT.length() + RACK_TAG);
        if (!tag.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return Source.OTHER;
        }
        return tag.equals(ownTag) ? Source.PEER_RACK : Source.PEER_REMOTE;
    }

    private static String rackTag(Location location) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(
                    location.groupKey(Tier.RACK).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, RACK_TAG / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
