package io.rackswarm.tracker.swarm;

import io.rackswarm.core.handout.HandoutSettings;
import io.rackswarm.core.handout.PeerState;
import io.rackswarm.core.handout.Representatives;
import io.rackswarm.core.handout.SwarmView;
import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.tracker.config.TrackerConfig;
import io.rackswarm.tracker.metrics.TrackerMetrics;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Swarm state in Redis. An announce is one round trip: the announce script and a plain read of
 * the peer's rack, written together. The tracker replicas keep nothing, so any replica can answer
 * any announce.
 */
@ApplicationScoped
public class SwarmStore {

    private static final LuaScript SCRAPE = LuaScript.load("/redis/scrape.lua");

    /** Announces sent to Redis in one write at most. */
    private static final int MAX_BATCH = 128;

    /**
     * The script's eighth argument: whether "seniors" and whether the whole rack are read
     * beside it, indexed by 2 * seniors + rack.
     */
    private static final String[] BESIDE = {"00", "01", "10", "11"};

    /**
     * Commands of one announce at most: the script, the rack's read, the seniors' read and the
     * two counts.
     */
    private static final int COMMANDS_PER_ANNOUNCE = 5;
    /** Racks a candidate's announce reads whole because their candidates fell short. */
    private static final int MAX_REFILLED_RACKS = 8;

    private final Redis redis;
    private final RedisPipeline pipeline;
    private final TrackerConfig config;
    private final RedisFunction topologyAnnounce;
    private final RedisFunction randomAnnounce;
    /** Peers that were representative candidates at their last announce (HintBits). */
    private final HintBits candidates = new HintBits();
    /** Racks that were larger than the sample read of them at their last announce. */
    private final HintBits largeRacks = new HintBits();
    private final TrackerMetrics metrics;
    private final HandoutSettings settings;
    /** Derived from the configuration once, not on every announce. */
    private final long peerTtlMillis;

    /**
     * Announces go through clients of their own, made with the default client's options: each
     * event loop makes one and keeps one connection of it, so that every loop reads, parses and
     * answers its own announces.
     */
    public SwarmStore(Redis redis, RedisOptionsCapture options, io.vertx.core.Vertx vertx,
            TrackerConfig config, TrackerMetrics metrics) {
        this.redis = redis;
        // A lane's connection must have room for every command its batches may hold in flight.
        int inFlight = config.redisPipelineDepth() * MAX_BATCH * COMMANDS_PER_ANNOUNCE;
        this.pipeline = new RedisPipeline(() -> {
            io.vertx.redis.client.RedisOptions lane = options.options();
            lane.setMaxWaitingHandlers(Math.max(lane.getMaxWaitingHandlers(), inFlight));
            return io.vertx.redis.client.Redis.createClient(vertx, lane);
        }, vertx, new RedisPipeline.Limits(config.redisPipelineDepth(), MAX_BATCH,
                config.redisTimeout(), config.redisMaxQueued(),
                options.options().getType() == io.vertx.redis.client.RedisClientType.CLUSTER),
                metrics::redisBatch, metrics::redisShed, metrics::redisResent);
        this.config = config;
        this.metrics = metrics;
        this.peerTtlMillis = config.effectivePeerTtl().toMillis();
        this.settings = new HandoutSettings(config.representatives(),
                config.representativeStaleAfter(), config.representativeStallAfter());
        this.topologyAnnounce = AnnounceScript.of(config, false);
        this.randomAnnounce = AnnounceScript.of(config, true);
    }

    /**
     * Stores the announcement and returns the swarm as the handout policy needs it.
     *
     * @param sample how many peers the view samples at random: from the peer's rack, or with
     *     {@code randomView} from the whole swarm (for the random policy)
     * @throws UnregisteredTorrentException (as the future's failure) for unknown info-hashes
     */
    public Future<SwarmSnapshot> announce(Announcement a, long nowMillis, int sample,
            boolean randomView) {
        SwarmKeys keys = new SwarmKeys(config.keyPrefix(), a.infoHash());
        String peerKey = a.peerId().hex();
        int sampleSize = Math.max(sample, 1);
        String count = Integer.toString(sampleSize);
        String tail = PeerRecord.tail(a.endpoint(), a.location());
        boolean stopped = a.event() == Announcement.Event.STOPPED;
        // A peer that was a representative candidate last time most likely still is: its view of
        // the representatives is read beside the script, not through Lua (HintBits).
        int swarm = a.infoHash().hashCode();
        boolean seniorsBeside = !randomView && !stopped
                && candidates.get(swarm, a.peerId().hashCode());
        // The peer's rack (or, for the random policy, the swarm) is read by a plain command in
        // the same write as the script: no record passes through Lua on the common path.
        // Answers come in order: the script's first, then the rack's, then "seniors", then the
        // counts.
        boolean readRack = !stopped && (randomView || !a.origin());
        int rackAt = readRack ? 1 : -1;
        int seniorsAt = seniorsBeside ? (readRack ? 2 : 1) : -1;
        // A rack no larger than the sample is read whole, values only: half the reply of
        // HRANDFIELD ... WITHVALUES, whose fields the records repeat; all its candidates are
        // then in the read, and the script need not name them.
        int rack = a.location().hashCode();
        boolean wholeRack = readRack && !randomView && !largeRacks.get(swarm, rack);
        List<String> args = List.of(Long.toString(nowMillis), a.event().label(), peerKey,
                Long.toString(a.left()), a.origin() ? "1" : "0", tail, count,
                BESIDE[(seniorsBeside ? 2 : 0) + (wholeRack ? 1 : 0)]);
        String peers = keys.peers();
        String seniors = keys.seniors();
        String rackKey = keys.rack(a.location());
        String rackRecords = SwarmKeys.rackRecords(rackKey);
        List<Request> reads = new ArrayList<>(COMMANDS_PER_ANNOUNCE - 1);
        if (readRack) {
            metrics.rackRead(wholeRack);
            reads.add(wholeRack ? Request.cmd(Command.HVALS).arg(rackRecords)
                    : Request.cmd(Command.HRANDFIELD).arg(randomView ? peers : rackRecords)
                            .arg(count).arg("WITHVALUES"));
        }
        if (seniorsBeside) {
            reads.add(Request.cmd(Command.HVALS).arg(seniors));
        }
        // The counts after this announce, read plainly: from Lua they would cost Redis more.
        int countsAt = 1 + reads.size();
        reads.add(Request.cmd(Command.SCARD).arg(keys.seeds()));
        reads.add(Request.cmd(Command.HLEN).arg(peers));
        RedisFunction script = randomView ? randomAnnounce : topologyAnnounce;
        return script.runWith(pipeline, List.of(keys.torrent(), peers, keys.seeds(), seniors,
                keys.racks(), rackRecords, rackKey), args, reads)
                .compose(r -> {
                    long expiredBefore = nowMillis - peerTtlMillis;
                    AnnounceReply reply = AnnounceReply.decode(r.get(0), a.infoHash());
                    SwarmSnapshot snapshot = snapshot(reply, r, rackAt, wholeRack,
                            randomView, seniorsAt, countsAt, expiredBefore);
                    if (!randomView) {
                        // A view comes for candidates only; the rack's top comes when the rack
                        // is larger than the sample.
                        candidates.set(swarm, a.peerId().hashCode(), reply.candidate());
                        if (readRack) {
                            largeRacks.set(swarm, rack, wholeRack
                                    ? r.get(rackAt).size() > sampleSize
                                    : reply.rackTop() != null);
                        }
                        return refill(snapshot, keys, a.location(), nowMillis, expiredBefore);
                    }
                    return Future.succeededFuture(snapshot);
                });
    }

    /**
     * "seniors" holds each rack's R+1 most senior members. When fewer than R of them still
     * announce (the others are stale), the rack's representatives by core's policy are members
     * beyond them, which the view lacks: such racks (other than the peer's own, which it read
     * itself) are read whole, at most {@link #MAX_REFILLED_RACKS} per announce, so that the
     * representatives computed from this view are those of the whole swarm. A failed read
     * leaves the view as it was. Stalled candidates do not trigger it: they still represent
     * their rack (core fills places with them), and a swarm whose peers all wait on a slow
     * source would otherwise read every rack on every candidate's announce (0.78x announces/s
     * in the benchmark, whose peers never progress).
     */
    private Future<SwarmSnapshot> refill(SwarmSnapshot s, SwarmKeys keys, Location own,
            long nowMillis, long expiredBefore) {
        if (s.view() == null || s.view().peers().isEmpty()) {
            return Future.succeededFuture(s);
        }
        java.util.Map<Location, int[]> racks = new java.util.LinkedHashMap<>();
        for (PeerState p : s.view().peers()) {
            if (!p.location().equals(own)) {
                int[] counts = racks.computeIfAbsent(p.location(), l -> new int[2]);
                counts[0]++;
                if (Representatives.live(p, settings, nowMillis)) {
                    counts[1]++;
                }
            }
        }
        List<Location> shortRacks = new ArrayList<>();
        racks.forEach((location, counts) -> {
            if (counts[0] >= settings.representatives() + 1
                    && counts[1] < settings.representatives()
                    && shortRacks.size() < MAX_REFILLED_RACKS) {
                shortRacks.add(location);
            }
        });
        if (shortRacks.isEmpty()) {
            return Future.succeededFuture(s);
        }
        List<Request> reads = new ArrayList<>(shortRacks.size());
        for (Location l : shortRacks) {
            reads.add(Request.cmd(Command.HVALS).arg(keys.rackRecords(l)));
        }
        metrics.seniorsRead("refill");
        return pipeline.send(reads, keys.torrent()).map(answers -> {
            View view = new View(expiredBefore, true);
            s.view().peers().forEach(view::add);
            for (Response records : answers) {
                for (Response record : records) {
                    view.add(parse(record));
                }
            }
            return new SwarmSnapshot(new SwarmView(s.view().self(), view.agents,
                    s.view().origins(), s.view().blobSize()), s.seeds(), s.leechers(),
                    s.downloaded());
        }).recover(e -> Future.succeededFuture(s));
    }

    /**
     * Peers last seen before {@code expiredBefore} wait for purging and are left out.
     *
     * @param rackAt where the plain read of the rack (or swarm) is among the responses, or -1
     * @param wholeRack whether that read is an HVALS (values only) rather than an HRANDFIELD
     * @param ofPeers whether that read samples "peers" (the random policy) rather than a rack
     * @param seniorsAt where the plain read of "seniors" is, or -1
     * @param countsAt where the seeds' count is, the peers' count after it
     */
    private SwarmSnapshot snapshot(AnnounceReply reply, List<Response> responses, int rackAt,
            boolean wholeRack, boolean ofPeers, int seniorsAt, int countsAt, long expiredBefore) {
        long seeds = responses.get(countsAt).toLong();
        long peers = responses.get(countsAt + 1).toLong();
        PeerState self = reply.self();
        if (self == null) {
            return new SwarmSnapshot(null, seeds, peers - seeds, reply.downloaded());
        }
        Response seniors = switch (reply.seniors()) {
            case BESIDE -> responses.get(seniorsAt);
            case IN_REPLY -> reply.seniorRecords();
            case NONE -> null;
        };
        if (reply.candidate()) {
            metrics.seniorsRead(reply.seniors() == AnnounceReply.Seniors.BESIDE ? "beside"
                    : "script");
        } else if (seniorsAt >= 0) {
            metrics.seniorsRead("wasted");
        }
        Response rackTop = reply.rackTop();
        // A peer may come twice when there is more than the rack's view (a rack's candidates are
        // also in "seniors"); the rack's view alone holds each peer once.
        View view = new View(expiredBefore, seniors != null || rackTop != null);
        if (rackAt >= 0) {
            // HVALS: values; HRANDFIELD ... WITHVALUES: [field, value] pairs over RESP3, flat
            // over RESP2.
            Response fields = responses.get(rackAt);
            for (int i = 0; i < fields.size(); i++) {
                Response item = fields.get(i);
                Response record = wholeRack ? item
                        : item.type() == ResponseType.MULTI ? item.get(1)
                        : i % 2 == 1 ? item : null;
                if (record != null && !(ofPeers && isRackEntry(record))) {
                    view.add(parse(record));
                }
            }
        }
        for (Response records : new Response[] {seniors, rackTop}) {
            if (records != null) {
                for (Response record : records) {
                    if (record != null) {
                        view.add(parse(record));
                    }
                }
            }
        }
        return new SwarmSnapshot(new SwarmView(self, view.agents, view.origins, reply.size()),
                seeds, peers - seeds, reply.downloaded());
    }

    /** The live peers read for one announce, each once, agents apart from origins. */
    private static final class View {
        final List<PeerState> agents = new ArrayList<>();
        final List<PeerState> origins = new ArrayList<>();
        private final long expiredBefore;
        private final Set<String> seen;

        View(long expiredBefore, boolean mayRepeat) {
            this.expiredBefore = expiredBefore;
            this.seen = mayRepeat ? new HashSet<>() : null;
        }

        void add(PeerState p) {
            if (p.lastSeenAtMillis() >= expiredBefore && (seen == null || seen.add(p.key()))) {
                (p.origin() ? origins : agents).add(p);
            }
        }
    }

    /**
     * An entry of "peers" that only names the peer's rack ("@region/zone/rack"; the record is
     * in the rack's hash): the random policy samples "peers", which holds records only when
     * every replica runs that policy; entries written under the topology policy are left out.
     */
    private static boolean isRackEntry(Response entry) {
        io.vertx.core.buffer.Buffer bytes = entry.toBuffer();
        return bytes.length() > 0 && bytes.getByte(0) == '@';
    }

    private static PeerState parse(Response record) {
        return PeerRecord.parse(record.toBytes());
    }

    @jakarta.annotation.PreDestroy
    void close() {
        pipeline.close();
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
