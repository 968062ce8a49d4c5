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
import io.vertx.core.Future;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Maintenance of a swarm larger than one run may read (1,000 records) is spread over several
 * announces, so that no announce blocks Redis for long; the walk still reaches every peer.
 */
@QuarkusTest
@WithTestResource(RedisServerResource.class)
class LargeSwarmMaintenanceTest extends RegisteredSwarm {

    private static final int PEERS = 2500;
    private static final long TTL_MILLIS = RedisServerResource.PEER_TTL_SECONDS * 1000L;

    @Inject
    SwarmStore store;

    private Announcement announce(int peer) {
        return new Announcement(ih, PeerId.ofHex(String.format("%040x", peer)),
                PeerEndpoint.of("127.0.0.1", 10000 + peer % 50000),
                new Location("eu", "z" + peer % 2, "r" + peer % 10), 1000, Event.NONE, false);
    }

    private SwarmSnapshot at(long now, int peer) {
        return store.announce(announce(peer), now, 51, false).toCompletionStage()
                .toCompletableFuture().join();
    }

    private long storedPeers() throws java.io.IOException {
        return Long.parseLong(
                RedisServerResource.server().command("HLEN", new SwarmKeys("rs", ih).peers()));
    }

    @Test
    void givenSwarmLargerThanOneRun_whenAllPeersExpire_thenLaterAnnouncesPurgeThemPageByPage()
            throws Exception {
        long start = System.currentTimeMillis();
        // Joined 250 at a time: all 2500 at once can outlast the 1 s Redis deadline on a busy
        // machine, and the burst is not what this test is about.
        for (int from = 1; from <= PEERS; from += 250) {
            List<Future<SwarmSnapshot>> joins = new ArrayList<>();
            for (int peer = from; peer < from + 250 && peer <= PEERS; peer++) {
                joins.add(store.announce(announce(peer), start, 51, false));
            }
            Future.all(joins).toCompletionStage().toCompletableFuture().join();
        }
        assertThat(storedPeers()).isEqualTo(PEERS);

        // Every peer has expired; one newcomer announces and starts the walk.
        long later = start + TTL_MILLIS + TTL_MILLIS / 3 + 1000;
        int newcomer = PEERS + 1;
        at(later, newcomer);
        long afterFirstRun = storedPeers();
        assertThat(afterFirstRun)
                .as("one run purges at most about a page of expired peers")
                .isGreaterThan(PEERS - 1500L)
                .isLessThan(PEERS - 500L);

        for (int i = 0; i < 10 && storedPeers() > 1; i++) {
            at(later + 1 + i, newcomer);
        }
        assertThat(storedPeers()).as("only the newcomer is left").isEqualTo(1);
        SwarmSnapshot last = at(later + 20, newcomer);
        assertThat(last.leechers()).isEqualTo(1);
        assertThat(RedisServerResource.server().command("HEXISTS",
                new SwarmKeys("rs", ih).torrent(), "maintainCursor")).isEqualTo("0");
    }
}
