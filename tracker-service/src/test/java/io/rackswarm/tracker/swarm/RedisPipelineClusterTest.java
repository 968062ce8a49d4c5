package io.rackswarm.tracker.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.rackswarm.testsupport.RedisServer;
import io.rackswarm.tracker.testing.RedisClusterResource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on a real three-node Redis Cluster: a burst of groups of many swarms (slots on
 * every node) leaves in batches of one slot each, so no batch fails with CROSSSLOT and no group
 * has to be sent again on its own; and the slot the pipeline computes is the one Redis names.
 */
class RedisPipelineClusterTest {

    private static List<RedisServer> nodes;
    private static Vertx vertx;

    @BeforeAll
    static void startCluster() {
        nodes = RedisClusterResource.startCluster();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopCluster() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        nodes.forEach(RedisServer::stop);
    }

    private static Redis clusterClient() {
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER)
                .setMaxWaitingHandlers(100_000);
        nodes.forEach(n -> options.addConnectionString(n.url()));
        return Redis.createClient(vertx, options);
    }

    @Test
    void givenKeys_thenTheSlotIsTheOneRedisNames() throws Exception {
        for (String key : List.of("rs:{3f786850e387550fdab836ed7e6dc881de23001b}:torrent",
                "rs:{3f786850e387550fdab836ed7e6dc881de23001b}:rack:eu/z1/r1:records",
                "plain-key", "{}empty-tag", "a{b}c{d}", "{unclosed", "x}{y}", "ünïcode{é}")) {
            assertThat(ClusterSlot.of(key)).as(key)
                    .isEqualTo(Integer.parseInt(nodes.get(0).command("CLUSTER", "KEYSLOT", key)));
        }
    }

    @Test
    void givenBurstOverManySwarms_thenBatchesHoldOneSlotAndNoneFails() {
        int swarms = 40;
        int perSwarm = 5;
        List<Integer> batches = new CopyOnWriteArrayList<>();
        AtomicInteger resent = new AtomicInteger();
        RedisPipeline pipeline = new RedisPipeline(RedisPipelineClusterTest::clusterClient, vertx,
                new RedisPipeline.Limits(2, 128, java.time.Duration.ofSeconds(10), 100_000, true),
                batches::add, () -> { }, resent::addAndGet);
        try {
            CompletableFuture<List<String>> done = new CompletableFuture<>();
            // One event loop turn: every group queued before the first write, as in a burst of
            // announces, the swarms interleaved so that neighbours in the queue differ in slot.
            vertx.runOnContext(v -> {
                List<Future<String>> calls = new ArrayList<>();
                for (int i = 0; i < perSwarm; i++) {
                    for (int s = 0; s < swarms; s++) {
                        String key = "rs:{swarm-" + s + "}:torrent";
                        calls.add(pipeline.send(List.of(
                                Request.cmd(Command.HINCRBY).arg(key).arg("n").arg(1),
                                Request.cmd(Command.HGET).arg(key).arg("n")), key)
                                .map(r -> r.get(1).toString()));
                    }
                }
                Future.all(calls).onComplete(ar -> {
                    if (ar.succeeded()) {
                        done.complete(calls.stream().map(Future::result).toList());
                    } else {
                        done.completeExceptionally(ar.cause());
                    }
                });
            });
            List<String> answers = done.orTimeout(30, TimeUnit.SECONDS).join();
            // Each swarm's counter went 1..perSwarm, in the order its groups were sent.
            for (int i = 0; i < perSwarm; i++) {
                for (int s = 0; s < swarms; s++) {
                    assertThat(answers.get(i * swarms + s)).isEqualTo(Integer.toString(i + 1));
                }
            }
            assertThat(resent.get()).as("groups sent again after a failed batch").isZero();
            assertThat(batches.stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo(swarms * perSwarm);
            // Groups of one swarm share batches: fewer writes than groups.
            assertThat(batches.size()).isLessThan(swarms * perSwarm);
            Set<Integer> slots = new HashSet<>();
            for (int s = 0; s < swarms; s++) {
                slots.add(ClusterSlot.of("rs:{swarm-" + s + "}:torrent"));
            }
            assertThat(batches.size()).isGreaterThanOrEqualTo(slots.size());
        } finally {
            pipeline.close();
        }
    }
}
