package io.rackswarm.core.handout;

import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.PeerEndpoint;

/** Builds peer state for policy tests. */
final class Peers {

    static final long NOW = 1_000_000L;
    static final long SIZE = 1000;

    private static int next = 1;

    private Peers() {
    }

    /** A fresh, healthy leecher that has nothing yet and joined {@code joined} ms ago. */
    static PeerState leecher(String key, String region, String zone, String rack, long joinedAgo) {
        return new PeerState(key, endpoint(), new Location(region, zone, rack), SIZE,
                NOW - joinedAgo, NOW, NOW, false);
    }

    static PeerState seed(String key, String region, String zone, String rack, long joinedAgo) {
        return leecher(key, region, zone, rack, joinedAgo).withLeft(0);
    }

    static PeerState origin(String key) {
        return new PeerState(key, endpoint(), Location.UNKNOWN, 0, 0, NOW, NOW, true);
    }

    private static PeerEndpoint endpoint() {
        int n = next++;
        return PeerEndpoint.of("10.0." + (n / 250) + "." + (n % 250 + 1), 6881);
    }
}
