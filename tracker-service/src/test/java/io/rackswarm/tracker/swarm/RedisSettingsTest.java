package io.rackswarm.tracker.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.rackswarm.testsupport.RedisServer;
import org.junit.jupiter.api.Test;

/** The tests' Redis runs with the settings a deployment uses (k8s/redis/rackswarm-redis.conf). */
class RedisSettingsTest {

    @Test
    void givenTestRedis_thenItRunsWithRackswarmsSettings() throws Exception {
        RedisServer redis = RedisServer.start();
        try {
            assertThat(redis.command("CONFIG", "GET", "hash-max-listpack-value"))
                    .contains("256");
        } finally {
            redis.stop();
        }
    }
}
