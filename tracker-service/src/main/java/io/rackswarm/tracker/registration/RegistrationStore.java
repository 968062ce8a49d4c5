package io.rackswarm.tracker.registration;

import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.tracker.config.TrackerConfig;
import io.rackswarm.tracker.swarm.SwarmKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Which info-hashes the tracker serves: written by seeders, read by every announce (inside the
 * announce script) and by agents looking up a blob's info-hash.
 */
@ApplicationScoped
public class RegistrationStore {

    /** Outcome of a registration. */
    public enum Outcome { CREATED, UNCHANGED, CONFLICT }

    private final Redis redis;
    private final String prefix;

    public RegistrationStore(Redis redis, TrackerConfig config) {
        this.redis = redis;
        this.prefix = config.keyPrefix();
    }

    /**
     * Registers a torrent atomically: the first writer of the torrent's digest field wins
     * (HSETNX), so two conflicting registrations cannot both succeed; a second one with the same
     * digest and size changes nothing, with another digest or size it conflicts.
     */
    public Uni<Outcome> register(InfoHash infoHash, Digest digest, long size, long now) {
        SwarmKeys keys = new SwarmKeys(prefix, infoHash);
        return redis.send(Request.cmd(Command.HSETNX).arg(keys.torrent()).arg("digest")
                        .arg(digest.toString()))
                .flatMap(claimed -> {
                    if (claimed.toLong() == 0) {
                        return redis.send(Request.cmd(Command.HMGET).arg(keys.torrent())
                                        .arg("digest").arg("size"))
                                .map(r -> r.get(0) != null
                                        && r.get(0).toString().equals(digest.toString())
                                        && (r.get(1) == null || r.get(1).toLong() == size)
                                        ? Outcome.UNCHANGED : Outcome.CONFLICT);
                    }
                    // The digest index goes next, then size and time; a reader between the
                    // steps sees a registration without its size, which announces do not need.
                    return redis.send(Request.cmd(Command.SET)
                                    .arg(SwarmKeys.digestIndex(prefix, digest)).arg(infoHash.hex()))
                            .flatMap(ok -> redis.send(Request.cmd(Command.HSET)
                                    .arg(keys.torrent())
                                    .arg("size").arg(size)
                                    .arg("registeredAt").arg(now)))
                            .map(ok -> Outcome.CREATED);
                });
    }

    public Uni<Optional<TorrentInfo>> find(InfoHash infoHash) {
        SwarmKeys keys = new SwarmKeys(prefix, infoHash);
        return redis.send(Request.cmd(Command.HMGET).arg(keys.torrent())
                        .arg("digest").arg("size").arg("registeredAt").arg("downloaded")
                        .arg("firstStarted").arg("firstCompleted").arg("lastCompleted"))
                .flatMap(t -> {
                    if (t.get(0) == null) {
                        return Uni.createFrom().item(Optional.<TorrentInfo>empty());
                    }
                    return redis.send(Request.cmd(Command.SCARD).arg(keys.seeds()))
                            .flatMap(seeds -> redis.send(Request.cmd(Command.HLEN)
                                            .arg(keys.peers()))
                                    .map(peers -> Optional.of(new TorrentInfo(infoHash.hex(),
                                            t.get(0).toString(), t.get(1).toLong(),
                                            t.get(2).toLong(), seeds.toLong(),
                                            peers.toLong() - seeds.toLong(), orZero(t.get(3)),
                                            orNull(t.get(4)), orNull(t.get(5)),
                                            orNull(t.get(6))))));
                });
    }

    public Uni<Optional<InfoHash>> findByDigest(Digest digest) {
        return redis.send(Request.cmd(Command.GET).arg(SwarmKeys.digestIndex(prefix, digest)))
                .map(r -> Optional.ofNullable(r).map(v -> InfoHash.ofHex(v.toString())));
    }

    /** Removes the registration, the digest index entry and the swarm. */
    public Uni<Boolean> unregister(InfoHash infoHash) {
        SwarmKeys keys = new SwarmKeys(prefix, infoHash);
        return redis.send(Request.cmd(Command.HGET).arg(keys.torrent()).arg("digest"))
                .flatMap(digest -> {
                    if (digest == null) {
                        return Uni.createFrom().item(false);
                    }
                    Request del = Request.cmd(Command.DEL).arg(keys.torrent()).arg(keys.peers())
                            .arg(keys.seeds()).arg(keys.seniors());
                    return redis.send(Request.cmd(Command.SMEMBERS).arg(keys.racks()))
                            .flatMap(racks -> {
                                for (Response r : racks) {
                                    del.arg(r.toString());
                                    del.arg(SwarmKeys.rackRecords(r.toString()));
                                }
                                del.arg(keys.racks());
                                return redis.send(del);
                            })
                            .flatMap(ok -> redis.send(Request.cmd(Command.DEL).arg(
                                    SwarmKeys.digestIndex(prefix,
                                            Digest.parse(digest.toString())))))
                            .map(ok -> true);
                });
    }

    private static long orZero(Response r) {
        return r == null ? 0 : r.toLong();
    }

    private static Long orNull(Response r) {
        return r == null ? null : r.toLong();
    }
}
