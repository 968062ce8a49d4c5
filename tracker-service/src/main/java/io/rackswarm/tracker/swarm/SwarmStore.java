package io.rackswarm.tracker.swarm;

import io.rackswarm.core.handout.PeerState;
import io.rackswarm.core.handout.SwarmView;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.tracker.config.TrackerConfig;
import io.rackswarm.tracker.metrics.TrackerMetrics;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Swarm state in Redis. An announce is one script call: the tracker replicas keep nothing, so
 * any replica can answer any announce.
 */
@ApplicationScoped
public class SwarmStore {

    private static final LuaScript ANNOUNCE = LuaScript.load("/redis/announce.lua");
    private static final LuaScript SCRAPE = LuaScript.load("/redis/scrape.lua");

    /** Origins (seeder replicas) a representative may be told about, beyond the racks. */
    private static final int MAX_ORIGINS_READ = 64;
    /** Announces sent to Redis in one write at most. */
    private static final int MAX_BATCH = 128;

    private final Redis redis;
    private final RedisPipeline pipeline;
    private final TrackerConfig config;

    public SwarmStore(Redis redis, TrackerConfig config, TrackerMetrics metrics) {
        this.redis = redis;
        this.pipeline = new RedisPipeline(redis.getDelegate(), config.redisPipelineDepth(),
                MAX_BATCH, metrics::redisBatch);
        this.config = config;
    }

    /**
     * Stores the announcement and returns the swarm as the handout policy needs it.
     *
     * @param sample how many peers the view samples at random: from the peer's rack, or with
     *     {@code randomView} from the whole swarm (for the random policy)
     * @throws UnregisteredTorrentException (as the Uni's failure) for unknown info-hashes
     */
    public Uni<SwarmSnapshot> announce(Announcement a, long nowMillis, int sample,
            boolean randomView) {
        SwarmKeys keys = new SwarmKeys(config.keyPrefix(), a.infoHash());
        String peerKey = a.peerId().hex();
        List<String> args = List.of(
                Long.toString(nowMillis),
                Long.toString(config.peerTtl().toMillis()),
                a.event().label(),
                peerKey,
                Long.toString(a.left()),
                a.origin() ? "1" : "0",
                Integer.toString(a.endpoint().port()),
                a.endpoint().ip(),
                a.location().region(),
                a.location().zone(),
                a.location().rack(),
                keys.rackPrefix(),
                Integer.toString(config.representatives() + 1),
                Integer.toString(Math.max(sample, 1)),
                Long.toString(2 * config.peerTtl().toSeconds() + 60),
                Long.toString(config.peerTtl().toMillis() / 3),
                randomView ? "random" : "topology",
                Integer.toString(config.rackLimit() * (config.representatives() + 1)
                        + MAX_ORIGINS_READ));
        return ANNOUNCE.run(pipeline, List.of(keys.torrent(), keys.peers(), keys.seeds(),
                keys.seniors(), keys.racks()), args)
                .map(r -> snapshot(a.infoHash(), peerKey, r,
                        nowMillis - config.peerTtl().toMillis()));
    }

    /** Peers last seen before {@code expiredBefore} wait for purging and are left out. */
    private static SwarmSnapshot snapshot(InfoHash infoHash, String selfKey,
            io.vertx.redis.client.Response r, long expiredBefore) {
        if (r.get(0).toLong() < 0) {
            throw new UnregisteredTorrentException(infoHash);
        }
        long size = r.get(1).toLong();
        long seeds = r.get(2).toLong();
        long peers = r.get(3).toLong();
        long downloaded = r.get(4).toLong();
        io.vertx.redis.client.Response selfRecord = r.get(5);
        if (selfRecord == null) {
            return new SwarmSnapshot(null, seeds, peers - seeds, downloaded);
        }
        PeerState self = PeerRecord.parse(selfKey, selfRecord.toString());
        // The view may name a peer twice (a rack's candidates are also in "seniors").
        Map<String, PeerState> byKey = new LinkedHashMap<>();
        String view = r.get(6).toString();
        int from = 0;
        while (from < view.length()) {
            int end = view.indexOf('\n', from);
            if (end < 0) {
                end = view.length();
            }
            PeerState p = PeerRecord.parseLine(view, from, end);
            if (p.lastSeenAtMillis() >= expiredBefore) {
                byKey.putIfAbsent(p.key(), p);
            }
            from = end + 1;
        }
        List<PeerState> agents = new ArrayList<>(byKey.size());
        List<PeerState> origins = new ArrayList<>();
        for (PeerState p : byKey.values()) {
            (p.origin() ? origins : agents).add(p);
        }
        return new SwarmSnapshot(new SwarmView(self, agents, origins, size), seeds,
                peers - seeds, downloaded);
    }

    /** BEP 48 counters of one swarm; empty for an unregistered info-hash. */
    public Uni<java.util.Optional<ScrapeCounts>> scrape(InfoHash infoHash) {
        SwarmKeys keys = new SwarmKeys(config.keyPrefix(), infoHash);
        return SCRAPE.run(redis, List.of(keys.torrent(), keys.peers(), keys.seeds()), List.of()).map(r -> {
                    if (r.get(0).toLong() < 0) {
                        return java.util.Optional.empty();
                    }
                    long seeds = r.get(1).toLong();
                    return java.util.Optional.of(new ScrapeCounts(seeds,
                            r.get(2).toLong() - seeds, r.get(3).toLong()));
                });
    }

    /** Counters of one swarm as BEP 48 names them. */
    public record ScrapeCounts(long complete, long incomplete, long downloaded) {
    }
}
