package io.rackswarm.tracker.registration;

/**
 * The body of {@code PUT /api/v1/torrents/{infohash}}: which blob the torrent carries.
 *
 * @param digest the blob's OCI digest, {@code sha256:<hex>}
 * @param size the blob's size in bytes
 */
public record TorrentRegistration(String digest, Long size) {
}
