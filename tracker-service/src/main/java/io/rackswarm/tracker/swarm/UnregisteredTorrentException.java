package io.rackswarm.tracker.swarm;

import io.rackswarm.core.torrent.InfoHash;

/** The info-hash was never registered by a seeder: this private tracker does not serve it. */
public final class UnregisteredTorrentException extends RuntimeException {

    public UnregisteredTorrentException(InfoHash infoHash) {
        super("info-hash " + infoHash.hex() + " is not registered with this tracker");
    }
}
