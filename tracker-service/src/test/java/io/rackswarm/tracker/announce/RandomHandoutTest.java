package io.rackswarm.tracker.announce;

import static io.rackswarm.tracker.testing.TrackerClient.compactPorts;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.rackswarm.tracker.auth.AnnounceAuthorizer;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.RegisteredSwarm;
import io.rackswarm.tracker.testing.TrackerClient;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The random policy (what plain trackers do, kept for comparison): the tracker samples the whole
 * swarm, whatever the racks, origins included.
 */
@QuarkusTest
@WithTestResource(RedisServerResource.class)
@TestProfile(RandomHandoutTest.RandomPolicy.class)
class RandomHandoutTest extends RegisteredSwarm {

    public static class RandomPolicy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rackswarm.tracker.handout-policy", "random");
        }
    }

    @Test
    void givenPeersInManyRacks_thenEachIsToldAboutPeersOfOtherRacksAndTheOrigin() {
        for (int peer = 1; peer <= 8; peer++) {
            tracker.announce(ih, peer).at("eu", "z" + (peer % 2), "r" + peer).send();
        }
        tracker.announce(ih, 99).set("left", "0")
                .set("token", TrackerClient.token(AnnounceAuthorizer.ORIGIN_PREFIX + "seeder-0"))
                .send();

        List<Integer> all = compactPorts(tracker.announce(ih, 1).at("eu", "z1", "r1").send());
        assertThat(all).containsExactlyInAnyOrder(20002, 20003, 20004, 20005, 20006, 20007, 20008,
                20099);

        // numwant 3: a sample of the swarm, never the peer itself, drawn anew each time.
        Set<Integer> seen = new HashSet<>();
        for (int round = 0; round < 20; round++) {
            List<Integer> sample = compactPorts(tracker.announce(ih, 1).at("eu", "z1", "r1")
                    .set("numwant", "3").send());
            assertThat(sample).hasSize(3).doesNotContain(20001);
            seen.addAll(sample);
        }
        assertThat(seen.size()).isGreaterThan(3);
    }
}
