package io.rackswarm.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocationTest {

    @Test
    void givenSameRackNameInTwoZones_thenTheyAreDifferentRacks() {
        Location a = new Location("eu", "eu-1a", "r1");
        Location b = new Location("eu", "eu-1b", "r1");
        assertThat(a.groupKey(Tier.RACK)).isNotEqualTo(b.groupKey(Tier.RACK));
        assertThat(a.groupKey(Tier.REGION)).isEqualTo(b.groupKey(Tier.REGION));
    }

    @Test
    void givenNoLabels_thenLocationIsUnknownButGroupable() {
        Location none = new Location(null, "", null);
        assertThat(none).isEqualTo(Location.UNKNOWN);
        assertThat(none.isKnown()).isFalse();
        assertThat(none.groupKey(Tier.RACK)).isEqualTo("//");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "rack 1", "-rack", "rack-", "a,b", "ä",
        "0123456789012345678901234567890123456789012345678901234567890123"})
    void givenValueThatIsNoKubernetesLabelValue_thenRefused(String rack) {
        assertThatThrownBy(() -> new Location("r", "z", rack))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rack");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "9", "A-1_b.c", "rack--7",
        "012345678901234567890123456789012345678901234567890123456789012"})
    void givenKubernetesLabelValue_thenAccepted(String rack) {
        assertThat(new Location("r", "z", rack).rack()).isEqualTo(rack);
    }

    @Test
    void givenEqualParts_thenLocationsAreEqual_andOtherwiseNot() {
        assertThat(new Location("eu", "z1", "r1")).isEqualTo(new Location("eu", "z1", "r1"))
                .hasSameHashCodeAs(new Location("eu", "z1", "r1"))
                .isNotEqualTo(new Location("eu", "z1", "r2"))
                .isNotEqualTo(new Location("eu", "z2", "r1"))
                .isNotEqualTo(new Location("us", "z1", "r1"));
        assertThat(new Location("eu", "z1", "r1").groupKey(Tier.ZONE)).isEqualTo("eu/z1");
    }
}
