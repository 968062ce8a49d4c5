package io.rackswarm.tracker.swarm;

import static io.rackswarm.tracker.testing.TrackerClient.compactPorts;
import static io.rackswarm.tracker.testing.TrackerClient.failure;
import static io.rackswarm.tracker.testing.TrackerClient.integer;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.bencode.BString;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.testsupport.RedisServer;
import io.rackswarm.tracker.testing.RedisClusterResource;
import io.rackswarm.tracker.testing.Registrations;
import io.rackswarm.tracker.testing.TrackerClient;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The tracker on a real three-node Redis Cluster: swarms land in different slots on different
 * nodes, announces of many swarms arrive at once (the pipeline batches them by slot), and
 * the announce function is loaded on whichever node a swarm lives on.
 */
@QuarkusTest
@WithTestResource(RedisClusterResource.class)
class RedisClusterTest {

    private static final int SWARMS = 30;
    private static final int PEERS = 4;

    @TestHTTPResource("/")
    URL base;

    @jakarta.inject.Inject
    io.rackswarm.tracker.metrics.SwarmGauges gauges;

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void givenSwarmsOnEveryNode_whenPeersAnnounceAtOnce_thenEachGetsItsRackMatesAndCounts()
            throws Exception {
        TrackerClient tracker = new TrackerClient(base);
        List<InfoHash> swarms = IntStream.range(0, SWARMS)
                .mapToObj(i -> Registrations.registered(1000)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (BDict answer : announceAll(pool, tracker, swarms)) {
                assertThat(failure(answer)).isNull();
            }
            // The first round loaded the function on every node (a call that found it missing
            // failed its batch). From now on batches hold one slot each: none fails, and no
            // announce is sent twice.
            double resentBefore = resent();
            List<BDict> again = announceAll(pool, tracker, swarms);
            assertThat(resent() - resentBefore).as("announces sent again").isZero();
            for (int i = 0; i < again.size(); i++) {
                int peer = i % PEERS + 1;
                List<Integer> mates = new ArrayList<>();
                for (int other = 1; other <= PEERS; other++) {
                    if (other != peer) {
                        mates.add(20000 + other);
                    }
                }
                assertThat(failure(again.get(i))).isNull();
                assertThat(compactPorts(again.get(i))).containsExactlyInAnyOrderElementsOf(mates);
            }
        } finally {
            pool.shutdownNow();
        }
        for (InfoHash ih : swarms) {
            BDict files = (BDict) tracker.scrape(ih).get("files").orElseThrow();
            BDict counts = (BDict) files.entries().get(BString.of(ih.bytes()));
            assertThat(integer(counts, "incomplete")).isEqualTo(PEERS);
        }
        // The gauges count the swarms of every node, not of one node at random (asked of the
        // bean: the registry outlives the test applications started before this one).
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (gauges.swarmsActive() != SWARMS && System.nanoTime() < deadline) {
            gauges.refresh();
            Thread.sleep(250);
        }
        assertThat(gauges.swarmsActive()).isEqualTo(SWARMS);
        // Every node holds swarms, and has the announce function now.
        for (RedisServer node : RedisClusterResource.nodes()) {
            assertThat(Long.parseLong(node.command("DBSIZE"))).isPositive();
            assertThat(node.command("FUNCTION", "LIST")).contains("rackswarm_announce_");
        }
    }

    private double resent() {
        return registry.get("rackswarm.tracker.redis.resent").counter().count();
    }

    /** Peers 1 to 4 of every swarm, all in one rack, announce concurrently. */
    private static List<BDict> announceAll(ExecutorService pool, TrackerClient tracker,
            List<InfoHash> swarms) throws Exception {
        List<Future<BDict>> calls = new ArrayList<>();
        for (InfoHash ih : swarms) {
            for (int peer = 1; peer <= PEERS; peer++) {
                int p = peer;
                calls.add(pool.submit(() -> tracker.announce(ih, p).at("eu", "z1", "r1").send()));
            }
        }
        List<BDict> answers = new ArrayList<>();
        for (Future<BDict> call : calls) {
            answers.add(call.get());
        }
        return answers;
    }
}
