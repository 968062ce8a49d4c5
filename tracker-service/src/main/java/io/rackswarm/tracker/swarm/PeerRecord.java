package io.rackswarm.tracker.swarm;

import io.rackswarm.core.handout.PeerState;
import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.PeerEndpoint;
import java.nio.charset.StandardCharsets;

/**
 * The tracker's codec of the stored form of a peer:
 * {@code key,joined,progress,left,lastSeen,origin,port,ip,region,zone,rack}. The announce script
 * writes records through its own codec, {@link #LUA_CODEC}, from the tail this one writes; both
 * are checked against the same golden records.
 *
 * <p>Every announce reads dozens of records, so parsing avoids regular expressions and reads
 * each byte once; locations repeat across peers and are interned.
 */
final class PeerRecord {

    /** The script's codec, which the tracker loads in front of {@code announce.lua}. */
    static final String LUA_CODEC = "/redis/peer-record.lua";

    /** Locations read lately, by a hash of their bytes: a view repeats a few racks. */
    private static final Interned[] LOCATIONS = new Interned[4096];

    private PeerRecord() {
    }

    /**
     * What the tracker tells the script of a peer beyond its key, times, left and origin flag:
     * the record's tail, {@code port,ip,region,zone,rack}.
     */
    static String tail(PeerEndpoint endpoint, Location location) {
        return endpoint.port() + "," + endpoint.ip() + "," + location.region() + ","
                + location.zone() + "," + location.rack();
    }

    /**
     * A stored record as Redis sent it: the peer's key, a comma, then its fields. Fields are
     * read in place, in one pass: only the key and the IP become strings, and a location read
     * before is not built again.
     */
    static PeerState parse(byte[] stored) {
        return parse(stored, 0, stored.length);
    }

    /** A stored record in {@code stored[from, to)}: read where Redis's reply put it, uncopied. */
    static PeerState parse(byte[] stored, int from, int to) {
        int keyEnd = comma(stored, from, to);
        if (keyEnd <= from) {
            throw corrupt(stored, from, to);
        }
        Fields f = new Fields(stored, keyEnd + 1, to);
        long joined = f.number();
        long progress = f.number();
        long left = f.number();
        long lastSeen = f.number();
        boolean origin = f.flag();
        long port = f.number();
        if ((joined | progress | left | lastSeen | port) < 0 || port > 65535) {
            throw corrupt(stored, from, to);
        }
        int ipEnd = comma(stored, f.at, to);
        if (ipEnd < 0) {
            throw corrupt(stored, from, to);
        }
        String ip = ascii(stored, f.at, ipEnd);
        Location location = location(stored, ipEnd + 1, to);
        if (location == null) {
            throw corrupt(stored, from, to);
        }
        return new PeerState(ascii(stored, from, keyEnd), PeerEndpoint.of(ip, (int) port),
                location, left, joined, lastSeen, progress, origin);
    }

    /** The fields after the key, read left to right. */
    private static final class Fields {
        private final byte[] b;
        private final int to;
        private int at;

        Fields(byte[] b, int at, int to) {
            this.b = b;
            this.at = at;
            this.to = to;
        }

        /**
         * A non-negative decimal up to {@code Long.MAX_VALUE} and its comma, as the announce
         * script writes them ({@code left} may be as large as a client says); -1 for anything
         * else, after which every field reads as -1.
         */
        long number() {
            int start = at;
            // At most 19 digits and the comma.
            int end = Math.min(to, start + 20);
            long v = 0;
            for (int i = start; i < end; i++) {
                int d = b[i] - '0';
                if (d >= 0 && d <= 9) {
                    v = v * 10 + d;
                } else if (d == ',' - '0' && i > start) {
                    // No division per digit: 19 digits stay below 2^64, so a value past
                    // Long.MAX_VALUE (only 19 digits can be) shows as negative.
                    at = i + 1;
                    return v;
                } else {
                    break;
                }
            }
            at = to;
            return -1;
        }

        /** One character, '1' or another, and its comma. */
        boolean flag() {
            if (at + 1 >= to || b[at + 1] != ',') {
                at = to;
                return false;
            }
            boolean set = b[at] == '1';
            at += 2;
            return set;
        }
    }

    private static int comma(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == ',') {
                return i;
            }
        }
        return -1;
    }

    private static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static IllegalStateException corrupt(byte[] stored, int from, int to) {
        return new IllegalStateException("corrupt peer record: "
                + new String(stored, from, to - from, StandardCharsets.UTF_8));
    }

    /** A location read before, with the bytes it was read from. */
    private record Interned(byte[] bytes, Location location) {
    }

    /**
     * "region,zone,rack" in {@code b[from, to)}, or null when it is not a valid location. The
     * table is shared by every event loop without locks: an entry is immutable, and a slot read
     * while another thread replaces it gives one entry or the other, both correct for their
     * bytes.
     */
    private static Location location(byte[] b, int from, int to) {
        int hash = 1;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + b[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (LOCATIONS.length - 1);
        Interned seen = LOCATIONS[slot];
        if (seen != null && java.util.Arrays.equals(seen.bytes(), 0, seen.bytes().length, b, from,
                to)) {
            return seen.location();
        }
        String[] parts = ascii(b, from, to).split(",", -1);
        if (parts.length != 3) {
            return null;
        }
        Location parsed;
        try {
            parsed = new Location(parts[0], parts[1], parts[2]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        LOCATIONS[slot] = new Interned(java.util.Arrays.copyOfRange(b, from, to), parsed);
        return parsed;
    }
}
