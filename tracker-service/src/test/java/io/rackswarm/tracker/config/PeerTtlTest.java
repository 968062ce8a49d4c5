package io.rackswarm.tracker.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How long the tracker keeps a silent peer, as the defaults and each setting make it. */
class PeerTtlTest {

    private static TrackerConfig config(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of(
                "rackswarm.tracker.origin-secrets", "origin-secret-0123456789",
                "rackswarm.tracker.node-secrets", "node-secret-0123456789",
                "rackswarm.tracker.admin-token", "admin-token-0123456789"));
        all.putAll(settings);
        // Durations as Quarkus reads them ("10s").
        SmallRyeConfig c = new SmallRyeConfigBuilder().withMapping(TrackerConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(all).build();
        return c.getConfigMapping(TrackerConfig.class);
    }

    @Test
    void givenDefaults_thenAClientWaitingLibtorrentsDefault300sBetweenAnnouncesStays() {
        Duration ttl = config(Map.of()).effectivePeerTtl();
        // libtorrent's min_announce_interval defaults to 300 s, whatever interval it is told.
        assertThat(ttl).isGreaterThan(Duration.ofSeconds(300)).isEqualTo(Duration.ofSeconds(330));
    }

    @Test
    void givenOnlyClientsThatFollowTheInterval_thenThreeIntervals() {
        assertThat(config(Map.of("rackswarm.tracker.client-announce-gap", "0s",
                "rackswarm.tracker.announce-interval", "10s")).effectivePeerTtl())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void givenAnExplicitPeerTtl_thenItWins() {
        assertThat(config(Map.of("rackswarm.tracker.peer-ttl", "45s")).effectivePeerTtl())
                .isEqualTo(Duration.ofSeconds(45));
    }
}
