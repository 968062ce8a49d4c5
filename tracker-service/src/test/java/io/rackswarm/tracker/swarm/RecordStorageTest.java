package io.rackswarm.tracker.swarm;

import static io.rackswarm.tracker.testing.TrackerClient.compactPorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.testsupport.RedisServer;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.Registrations;
import io.rackswarm.tracker.testing.TrackerClient;
import java.net.URL;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each peer record is stored once: a rack member's in its rack's hash, with only the rack's path
 * in "peers"; an origin's in "peers". Moves, origins and purges keep the two in step.
 */
@QuarkusTest
@WithTestResource(RedisServerResource.class)
class RecordStorageTest {

    @TestHTTPResource("/")
    URL base;

    private TrackerClient tracker;
    private InfoHash ih;
    private SwarmKeys keys;

    @BeforeEach
    void newSwarm() throws Exception {
        tracker = new TrackerClient(base);
        ih = Registrations.registered(1000);
        keys = new SwarmKeys("rs", ih);
    }

    /** The records hash of a rack of this swarm in region "eu". */
    private String records(String zone, String rack) {
        return SwarmKeys.rackRecords(keys.rack(new Location("eu", zone, rack)));
    }

    private static String key(int peer) {
        return HexFormat.of().formatHex(TrackerClient.peerId(peer));
    }

    private static RedisServer redis() {
        return RedisServerResource.server();
    }

    @Test
    void givenRackMember_thenPeersNamesItsRackAndTheRackHoldsItsRecord_alsoAfterAMove()
            throws Exception {
        String r1 = records("z1", "r1");
        String r9 = records("z2", "r9");
        tracker.announce(ih, 1).at("eu", "z1", "r1").send();
        tracker.announce(ih, 1).at("eu", "z1", "r1").set("left", "500").send();

        assertThat(redis().command("HGET", keys.peers(), key(1))).isEqualTo("@eu/z1/r1");
        assertThat(redis().command("HGET", r1, key(1))).startsWith(key(1) + ",")
                .contains(",500,");

        tracker.announce(ih, 1).at("eu", "z2", "r9").send();
        tracker.announce(ih, 2).at("eu", "z2", "r9").send();

        assertThat(redis().command("HGET", keys.peers(), key(1))).isEqualTo("@eu/z2/r9");
        assertThat(redis().command("HEXISTS", r1, key(1))).isEqualTo("0");
        assertThat(redis().command("HGET", r9, key(1))).startsWith(key(1) + ",");
        // Found through its new rack, peer 1 is still handed out and counted once.
        assertThat(compactPorts(tracker.announce(ih, 2).at("eu", "z2", "r9").send()))
                .containsExactly(20001);
        assertThat(redis().command("HLEN", keys.peers())).isEqualTo("2");

        tracker.announce(ih, 1).at("eu", "z2", "r9").set("event", "stopped").send();
        assertThat(redis().command("HEXISTS", keys.peers(), key(1))).isEqualTo("0");
        assertThat(redis().command("HEXISTS", r9, key(1))).isEqualTo("0");
    }

    @Test
    void givenOrigin_thenPeersHoldsItsRecord() throws Exception {
        tracker.announce(ih, 7).set("token", TrackerClient.token("origin/seeder-0"))
                .set("left", "0").send();

        assertThat(redis().command("HGET", keys.peers(), key(7))).startsWith(key(7) + ",");
        assertThat(compactPorts(tracker.announce(ih, 3).at("eu", "z1", "r1").send()))
                .contains(20007);
    }

    @Test
    void givenSilentPeersAndAnEntryWithoutRecord_whenMaintenanceRuns_thenAllAreGone()
            throws Exception {
        tracker.announce(ih, 1).at("eu", "z1", "r1").set("left", "0").send();
        tracker.announce(ih, 2).at("eu", "z1", "r2").send();
        // An entry no announce would leave: the rack's hash has no record for it.
        redis().command("HSET", keys.peers(), key(3), "@eu/z1/r1");
        redis().command("SADD", keys.seeds(), key(3));

        Thread.sleep(RedisServerResource.PEER_TTL_SECONDS * 1000L + 700);
        tracker.announce(ih, 4).at("eu", "z1", "r1").send();

        assertThat(redis().command("HKEYS", keys.peers())).isEqualTo(key(4) + "\n");
        assertThat(redis().command("SCARD", keys.seeds())).isEqualTo("0");
        assertThat(redis().command("HEXISTS", records("z1", "r1"), key(1))).isEqualTo("0");
    }
}
