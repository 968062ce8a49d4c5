package io.rackswarm.tracker.swarm;

import io.rackswarm.core.handout.PeerState;
import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.PeerEndpoint;
import java.nio.charset.StandardCharsets;
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
     * A stored record as Redis sent it: the peer's key, a comma, then its fields. Fields are read in place, by offset: only the key, the
     * IP and the location's lookup key become strings, and all of them are ASCII.
     */
    static PeerState parse(byte[] stored) {
        return parse(stored, 0, stored.length);
    }

    /** A stored record in {@code stored[from, to)}: read where Redis's reply put it, uncopied. */
    static PeerState parse(byte[] stored, int from, int to) {
        int[] commas = new int[10];
        int found = 0;
        for (int i = from; i < to && found < 10; i++) {
            if (stored[i] == ',') {
                commas[found++] = i;
            }
        }
        if (found != 10) {
            throw corrupt(stored, from, to);
        }
        String key = ascii(stored, from, commas[0]);
        long joined = number(stored, commas[0] + 1, commas[1]);
        long progress = number(stored, commas[1] + 1, commas[2]);
        long left = number(stored, commas[2] + 1, commas[3]);
        long lastSeen = number(stored, commas[3] + 1, commas[4]);
        boolean origin = stored[commas[4] + 1] == '1';
        long port = number(stored, commas[5] + 1, commas[6]);
        String ip = ascii(stored, commas[6] + 1, commas[7]);
        if ((joined | progress | left | lastSeen | port) < 0 || port > 65535) {
            throw corrupt(stored, from, to);
        }
        Location location = location(ascii(stored, commas[7] + 1, to));
        return new PeerState(key, PeerEndpoint.of(ip, (int) port), location, left, joined, lastSeen,
                progress, origin);
    }

    private static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /**
     * A non-negative decimal up to {@code Long.MAX_VALUE}, as the announce script writes them
     * ({@code left} may be as large as a client says); -1 for anything else.
     */
    private static long number(byte[] b, int from, int to) {
        int digits = to - from;
        if (digits <= 0 || digits > 19) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        // No division per digit: 19 digits stay below 2^64, so a value past Long.MAX_VALUE
        // (only 19 digits can be) shows as negative.
        return v;
    }

    private static IllegalStateException corrupt(byte[] stored, int from, int to) {
        return new IllegalStateException("corrupt peer record: "
                + new String(stored, from, to - from, StandardCharsets.UTF_8));
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
