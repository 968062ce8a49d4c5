package io.rackswarm.tracker.swarm;

import io.rackswarm.core.handout.PeerState;
import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.PeerEndpoint;

/**
 * The stored form of a peer, written by {@code announce.lua}:
 * {@code joined,progress,left,lastSeen,origin,port,ip,region,zone,rack}.
 */
final class PeerRecord {

    private PeerRecord() {
    }

    static PeerState parse(String key, String record) {
        String[] f = record.split(",", -1);
        if (f.length != 10) {
            throw new IllegalStateException("corrupt peer record for " + key + ": " + record);
        }
        return new PeerState(key, PeerEndpoint.of(f[6], Integer.parseInt(f[5])),
                new Location(f[7], f[8], f[9]), Long.parseLong(f[2]), Long.parseLong(f[0]),
                Long.parseLong(f[3]), Long.parseLong(f[1]), "1".equals(f[4]));
    }
}
