package io.rackswarm.tracker.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rackswarm.tracker.config.TrackerConfig;
import io.rackswarm.tracker.swarm.RedisOptionsCapture;
import io.rackswarm.tracker.swarm.SwarmKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Swarm-wide gauges, recomputed from Redis every few seconds by a SCAN. Every replica reports the
 * same cluster-wide values, so dashboards should take {@code max}, not {@code sum}. On a Redis
 * Cluster a SCAN sees one node's keys only: every master is scanned, through a connection of its
 * own, and the counts are read there too.
 */
@ApplicationScoped
public class SwarmGauges {

    private static final Logger LOG = Logger.getLogger(SwarmGauges.class);

    private final Redis redis;
    private final Vertx vertx;
    private final TrackerConfig config;
    private final AtomicLong swarms = new AtomicLong();
    private final AtomicLong seeders = new AtomicLong();
    private final AtomicLong leechers = new AtomicLong();
    private long timer = -1;
    private volatile boolean running;

    private final RedisOptionsCapture options;
    /** A client per cluster master, kept while the masters stay the same. */
    private final Map<String, Redis> masters = new HashMap<>();

    public SwarmGauges(Redis redis, Vertx vertx, TrackerConfig config, MeterRegistry registry,
            RedisOptionsCapture options) {
        this.redis = redis;
        this.options = options;
        this.vertx = vertx;
        this.config = config;
        Gauge.builder("rackswarm.tracker.swarms.active", swarms, AtomicLong::get)
                .description("Swarms with at least one live peer").register(registry);
        Gauge.builder("rackswarm.tracker.peers", seeders, AtomicLong::get)
                .tag("role", "seeder").description("Live peers by role").register(registry);
        Gauge.builder("rackswarm.tracker.peers", leechers, AtomicLong::get)
                .tag("role", "leecher").description("Live peers by role").register(registry);
    }

    /** Swarms with a live peer, as the last pass counted them. */
    public long swarmsActive() {
        return swarms.get();
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.gaugeRefresh().toMillis(), id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        synchronized (masters) {
            masters.values().forEach(Redis::close);
            masters.clear();
        }
    }

    /** One pass over the swarms; a pass still running when the next is due is not doubled. */
    public void refresh() {
        if (running) {
            return;
        }
        running = true;
        long[] totals = new long[3];
        // A Redis that stopped answering must not hold the pass (and so every later one).
        // Deferred: reading the client's options may fail before Redis is configured, and must
        // fail the pass, not leave it running for ever.
        Uni.createFrom().deferred(this::nodes).flatMap(nodes -> {
            Uni<Void> all = Uni.createFrom().voidItem();
            for (Redis node : nodes) {
                all = all.flatMap(v -> scan(node, "0", totals));
            }
            return all;
        }).ifNoItem().after(deadline()).fail().subscribe().with(done -> {
            swarms.set(totals[0]);
            seeders.set(totals[1]);
            leechers.set(totals[2]);
            running = false;
        }, e -> {
            LOG.debugf("swarm gauges not refreshed: %s", e.getMessage());
            running = false;
        });
    }

    /** A pass may take its interval, and at least 5 s on a busy Redis, before it is given up. */
    private java.time.Duration deadline() {
        java.time.Duration least = java.time.Duration.ofSeconds(5);
        return config.gaugeRefresh().compareTo(least) > 0 ? config.gaugeRefresh() : least;
    }

    /** The Redis to scan: the one server, or a client per master of a cluster. */
    private Uni<List<Redis>> nodes() {
        RedisOptions base = options.options();
        if (base.getType() != RedisClientType.CLUSTER) {
            return Uni.createFrom().item(List.of(redis));
        }
        return redis.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).map(slots -> {
            Set<String> seen = new TreeSet<>();
            for (Response range : slots) {
                Response master = range.get(2);
                seen.add(master.get(0).toString() + ":" + master.get(1).toLong());
            }
            synchronized (masters) {
                if (!masters.keySet().equals(seen)) {
                    masters.values().forEach(Redis::close);
                    masters.clear();
                    String endpoint = base.getEndpoint();
                    for (String hostPort : seen) {
                        masters.put(hostPort, Redis.createClient(vertx, new RedisOptions(base)
                                .setType(RedisClientType.STANDALONE)
                                .setEndpoints(new java.util.ArrayList<>(List.of(
                                        withHost(endpoint, hostPort))))));
                    }
                }
                return List.copyOf(masters.values());
            }
        });
    }

    /** The configured endpoint (scheme, credentials) pointed at another node. */
    static String withHost(String endpoint, String hostPort) {
        java.net.URI uri = java.net.URI.create(endpoint);
        String user = uri.getRawUserInfo();
        return uri.getScheme() + "://" + (user == null ? "" : user + "@") + hostPort;
    }

    private Uni<Void> scan(Redis node, String cursor, long[] totals) {
        return node.send(Request.cmd(Command.SCAN).arg(cursor)
                        .arg("MATCH").arg(SwarmKeys.peersPattern(config.keyPrefix()))
                        .arg("COUNT").arg(500))
                .flatMap(page -> {
                    String next = page.get(0).toString();
                    // Each page's counts in one round trip: HLEN and SCARD of every swarm.
                    List<Request> counts = new java.util.ArrayList<>();
                    for (Response key : page.get(1)) {
                        String peers = key.toString();
                        String seeds = peers.substring(0, peers.length() - "peers".length())
                                + "seeds";
                        counts.add(Request.cmd(Command.HLEN).arg(peers));
                        counts.add(Request.cmd(Command.SCARD).arg(seeds));
                    }
                    Uni<Void> chain = counts.isEmpty() ? Uni.createFrom().voidItem()
                            : node.batch(counts).map(answers -> {
                                for (int i = 0; i + 1 < answers.size(); i += 2) {
                                    long all = answers.get(i).toLong();
                                    long seeded = answers.get(i + 1).toLong();
                                    if (all > 0) {
                                        totals[0]++;
                                    }
                                    totals[1] += seeded;
                                    totals[2] += all - seeded;
                                }
                                return null;
                            }).replaceWithVoid();
                    return "0".equals(next) ? chain : chain.flatMap(v -> scan(node, next, totals));
                });
    }
}
