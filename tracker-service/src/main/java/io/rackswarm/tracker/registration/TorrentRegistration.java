package io.rackswarm.tracker.registration;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The body of {@code PUT /api/v1/torrents/{infohash}}: which blob the torrent carries.
 *
 * @param digest the blob's OCI digest, {@code sha256:<hex>}
 * @param size the blob's size in bytes
 */
@RegisterForReflection // read by Jackson's ObjectMapper, not by a REST parameter
public record TorrentRegistration(String digest, Long size) {
}
