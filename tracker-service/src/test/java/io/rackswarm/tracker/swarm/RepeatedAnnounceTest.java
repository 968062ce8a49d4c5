package io.rackswarm.tracker.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.PeerEndpoint;
import io.rackswarm.core.torrent.PeerId;
import io.rackswarm.tracker.swarm.Announcement.Event;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.RegisteredSwarm;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The pipeline sends a failed batch again command by command, so the announce script must be
 * idempotent: the same announce (same time stamp) run twice leaves Redis and the counters as
 * running it once did. Checked for every event and role against a real redis-server.
 */
@QuarkusTest
@WithTestResource(RedisServerResource.class)
class RepeatedAnnounceTest extends RegisteredSwarm {

    @Inject
    SwarmStore store;

    @Inject
    Redis redis;

    private Announcement announce(int peer, long left, Event event, boolean origin, String rack) {
        return new Announcement(ih, PeerId.ofHex(String.format("%040x", peer)),
                PeerEndpoint.of("127.0.0.1", 30000 + peer), new Location("eu", "z1", rack), left,
                event, origin);
    }

    @Test
    void givenEveryKindOfAnnounceRunTwice_thenTheSecondRunChangesNothing() {
        long now = System.currentTimeMillis();
        List<Announcement> sequence = List.of(
                announce(1, 1000, Event.STARTED, false, "a"),
                announce(2, 1000, Event.STARTED, false, "a"),
                announce(3, 1000, Event.STARTED, false, "a"),
                announce(4, 1000, Event.STARTED, false, "a"),
                announce(9, 0, Event.NONE, true, ""),
                announce(1, 400, Event.NONE, false, "a"),
                announce(1, 0, Event.COMPLETED, false, "a"),
                announce(5, 0, Event.COMPLETED, false, "b"),
                announce(2, 1000, Event.NONE, false, "b"),
                announce(1, 0, Event.STOPPED, false, "a"),
                announce(9, 0, Event.STOPPED, true, ""));
        for (Announcement a : sequence) {
            now += 10;
            SwarmSnapshot first = store.announce(a, now, 51, false).toCompletionStage().toCompletableFuture().join();
            Map<String, String> once = state();
            SwarmSnapshot second = store.announce(a, now, 51, false).toCompletionStage().toCompletableFuture().join();

            assertThat(state()).as("Redis after %s", a).isEqualTo(once);
            assertThat(List.of(second.seeds(), second.leechers(), second.downloaded()))
                    .as("counters after %s", a)
                    .isEqualTo(List.of(first.seeds(), first.leechers(), first.downloaded()));
        }
        assertThat(state().get(new SwarmKeys("rs", ih).torrent())).contains("downloaded=2");
    }

    /** Every key of this swarm with its content in a canonical order. */
    private Map<String, String> state() {
        Map<String, String> out = new TreeMap<>();
        for (Response key : call("KEYS", "rs:{" + ih.hex() + "}:*")) {
            String k = key.toString();
            String type = call("TYPE", k).toString();
            List<String> parts = new ArrayList<>();
            switch (type) {
                case "hash" -> {
                    Response all = call("HGETALL", k);
                    for (String field : all.getKeys()) {
                        parts.add(field + "=" + all.get(field));
                    }
                }
                case "set" -> call("SMEMBERS", k).forEach(m -> parts.add(m.toString()));
                case "zset" -> call("ZRANGE", k, "0", "-1", "WITHSCORES")
                        .forEach(m -> parts.add(m.toString()));
                default -> parts.add(type);
            }
            if (!type.equals("zset")) {
                parts.sort(null);
            }
            out.put(k, type + " " + parts);
        }
        return out;
    }

    private Response call(String command, String... args) {
        Request r = Request.cmd(io.vertx.mutiny.redis.client.Command.create(command));
        for (String a : args) {
            r.arg(a);
        }
        return redis.send(r).await().indefinitely();
    }
}
