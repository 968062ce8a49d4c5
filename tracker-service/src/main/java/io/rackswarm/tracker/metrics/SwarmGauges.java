package io.rackswarm.tracker.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rackswarm.tracker.config.TrackerConfig;
import io.rackswarm.tracker.swarm.SwarmKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Swarm-wide gauges, recomputed from Redis every few seconds by a SCAN. Every replica reports the
 * same cluster-wide values, so dashboards should take {@code max}, not {@code sum}.
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

    public SwarmGauges(Redis redis, Vertx vertx, TrackerConfig config, MeterRegistry registry) {
        this.redis = redis;
        this.vertx = vertx;
        this.config = config;
        Gauge.builder("rackswarm.tracker.swarms.active", swarms, AtomicLong::get)
                .description("Swarms with at least one live peer").register(registry);
        Gauge.builder("rackswarm.tracker.peers", seeders, AtomicLong::get)
                .tag("role", "seeder").description("Live peers by role").register(registry);
        Gauge.builder("rackswarm.tracker.peers", leechers, AtomicLong::get)
                .tag("role", "leecher").description("Live peers by role").register(registry);
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.gaugeRefresh().toMillis(), id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
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
        scan("0", totals).ifNoItem().after(config.gaugeRefresh()).fail().subscribe().with(done -> {
            swarms.set(totals[0]);
            seeders.set(totals[1]);
            leechers.set(totals[2]);
            running = false;
        }, e -> {
            LOG.debugf("swarm gauges not refreshed: %s", e.getMessage());
            running = false;
        });
    }

    private Uni<Void> scan(String cursor, long[] totals) {
        return redis.send(Request.cmd(Command.SCAN).arg(cursor)
                        .arg("MATCH").arg(SwarmKeys.peersPattern(config.keyPrefix()))
                        .arg("COUNT").arg(500))
                .flatMap(page -> {
                    String next = page.get(0).toString();
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (Response key : page.get(1)) {
                        String peers = key.toString();
                        String seeds = peers.substring(0, peers.length() - "peers".length())
                                + "seeds";
                        chain = chain.flatMap(v -> redis.send(Request.cmd(Command.HLEN).arg(peers)))
                                .flatMap(n -> redis.send(Request.cmd(Command.SCARD).arg(seeds))
                                        .map(s -> {
                                            long all = n.toLong();
                                            if (all > 0) {
                                                totals[0]++;
                                            }
                                            totals[1] += s.toLong();
                                            totals[2] += all - s.toLong();
                                            return null;
                                        }))
                                .replaceWithVoid();
                    }
                    return "0".equals(next) ? chain : chain.flatMap(v -> scan(next, totals));
                });
    }
}
