package io.rackswarm.tracker.registration;

/** What the registration API tells about a registered torrent and its swarm's timeline. */
public record TorrentInfo(String infoHash, String digest, long size, long registeredAt,
        long seeders, long leechers, long downloaded, Long firstStarted, Long firstCompleted,
        Long lastCompleted) {
}
