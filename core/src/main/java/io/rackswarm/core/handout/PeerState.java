package io.rackswarm.core.handout;

import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.PeerEndpoint;
import java.util.Comparator;

/**
 * What the tracker knows of one peer of a swarm.
 *
 * @param key stable identity of the peer in the swarm (its peer id in hex)
 * @param left bytes the peer still needs; 0 for a seed
 * @param joinedAtMillis when the peer first announced; earlier peers become representatives
 * @param lastSeenAtMillis when the peer last announced
 * @param progressAtMillis when {@code left} last went down (or the join time)
 * @param origin whether the peer is a seeder-service replica rather than a node's agent
 */
public record PeerState(String key, PeerEndpoint endpoint, Location location, long left,
        long joinedAtMillis, long lastSeenAtMillis, long progressAtMillis, boolean origin) {

    /** Seniority: earlier joiners first, ties broken by key so every replica agrees. */
    public static final Comparator<PeerState> BY_SENIORITY = (a, b) -> {
        int byJoin = Long.compare(a.joinedAtMillis, b.joinedAtMillis);
        return byJoin != 0 ? byJoin : a.key.compareTo(b.key);
    };

    public PeerState {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key is required");
        }
        if (endpoint == null || location == null) {
            throw new IllegalArgumentException("endpoint and location are required");
        }
        if (left < 0) {
            throw new IllegalArgumentException("left must not be negative: " + left);
        }
    }

    public PeerState withLeft(long newLeft) {
        return new PeerState(key, endpoint, location, newLeft, joinedAtMillis, lastSeenAtMillis,
                progressAtMillis, origin);
    }

    public PeerState withTimes(long lastSeen, long progressAt) {
        return new PeerState(key, endpoint, location, left, joinedAtMillis, lastSeen, progressAt,
                origin);
    }

    public boolean isSeed() {
        return left == 0;
    }
}
