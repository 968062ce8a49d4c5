package io.rackswarm.tracker.swarm;

import io.rackswarm.core.handout.PeerState;
import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.PeerEndpoint;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stored form of a peer, written by {@code announce.lua}:
 * {@code key,joined,progress,left,lastSeen,origin,port,ip,region,zone,rack}.
 *
 * <p>Every announce reads dozens of records, so parsing avoids regular expressions; locations
 * repeat across peers and are interned.
 */
final class PeerRecord {

    private static final int MAX_INTERNED = 100_000;
    private static final ConcurrentHashMap<String, Location> LOCATIONS = new ConcurrentHashMap<>();

    private PeerRecord() {
    }

    /**
     * A stored record: the peer's key, a comma, then its fields. Fields are read in place, by
     * offset: only the key and the IP become strings of their own.
     */
    static PeerState parse(String stored) {
        int[] commas = new int[10];
        int found = 0;
        for (int i = 0; i < stored.length() && found < 10; i++) {
            if (stored.charAt(i) == ',') {
                commas[found++] = i;
            }
        }
        if (found != 10) {
            throw new IllegalStateException("corrupt peer record: " + stored);
        }
        String key = stored.substring(0, commas[0]);
        long joined = Long.parseLong(stored, commas[0] + 1, commas[1], 10);
        long progress = Long.parseLong(stored, commas[1] + 1, commas[2], 10);
        long left = Long.parseLong(stored, commas[2] + 1, commas[3], 10);
        long lastSeen = Long.parseLong(stored, commas[3] + 1, commas[4], 10);
        boolean origin = stored.charAt(commas[4] + 1) == '1';
        int port = Integer.parseInt(stored, commas[5] + 1, commas[6], 10);
        String ip = stored.substring(commas[6] + 1, commas[7]);
        Location location = location(stored.substring(commas[7] + 1));
        return new PeerState(key, PeerEndpoint.of(ip, port), location, left, joined, lastSeen,
                progress, origin);
    }

    private static Location location(String regionZoneRack) {
        Location cached = LOCATIONS.get(regionZoneRack);
        if (cached != null) {
            return cached;
        }
        String[] parts = regionZoneRack.split(",", -1);
        Location parsed = new Location(parts[0], parts[1], parts[2]);
        if (LOCATIONS.size() >= MAX_INTERNED) {
            LOCATIONS.clear();
        }
        LOCATIONS.put(regionZoneRack, parsed);
        return parsed;
    }
}
