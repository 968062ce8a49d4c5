package io.rackswarm.tracker.swarm;

import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.core.torrent.PeerEndpoint;
import io.rackswarm.core.torrent.PeerId;

/** What one announce stores: a validated, authorized peer's new state. */
public record Announcement(InfoHash infoHash, PeerId peerId, PeerEndpoint endpoint,
        Location location, long left, Event event, boolean origin) {

    /** BEP 3 events; {@code NONE} is a regular re-announce (BEP 21 {@code paused} too). */
    public enum Event {
        NONE, STARTED, COMPLETED, STOPPED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
