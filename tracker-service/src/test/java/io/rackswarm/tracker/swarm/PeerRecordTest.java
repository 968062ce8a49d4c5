package io.rackswarm.tracker.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rackswarm.core.handout.PeerState;
import io.rackswarm.core.topology.Location;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PeerRecordTest {

    private static PeerState parse(String record) {
        return PeerRecord.parse(record.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void givenRecordAsTheScriptWritesIt_thenEveryFieldIsRead() {
        PeerState p = parse("abc123,1763880000001,1763880000002,1048576,1763880000003,0,6881,"
                + "10.1.2.3,eu,eu-1a,r7");
        assertThat(p.key()).isEqualTo("abc123");
        assertThat(p.joinedAtMillis()).isEqualTo(1763880000001L);
        assertThat(p.progressAtMillis()).isEqualTo(1763880000002L);
        assertThat(p.left()).isEqualTo(1048576);
        assertThat(p.lastSeenAtMillis()).isEqualTo(1763880000003L);
        assertThat(p.origin()).isFalse();
        assertThat(p.endpoint().port()).isEqualTo(6881);
        assertThat(p.endpoint().ip()).isEqualTo("10.1.2.3");
        assertThat(p.location()).isEqualTo(new Location("eu", "eu-1a", "r7"));
    }

    @Test
    void givenOriginWithIpv6AndNoTopology_thenRead() {
        PeerState p = parse("k,1,1,0,2,1,443,fd00::1,,,");
        assertThat(p.origin()).isTrue();
        assertThat(p.isSeed()).isTrue();
        assertThat(p.endpoint().isIpv6()).isTrue();
        assertThat(p.location()).isEqualTo(Location.UNKNOWN);
    }

    @Test
    void givenLargestLeftAClientMaySend_thenRead() {
        assertThat(parse("k,1,1,9223372036854775807,2,0,443,10.0.0.1,eu,z,r").left())
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void givenRecordInsideALargerReply_thenOnlyItsBytesAreRead() {
        byte[] reply = "$54\r\nk7,1,2,0,3,0,6881,10.0.0.9,eu,z1,r1\r\n$2\r\nxx"
                .getBytes(StandardCharsets.US_ASCII);
        int from = 5;
        int to = from + "k7,1,2,0,3,0,6881,10.0.0.9,eu,z1,r1".length();
        PeerState p = PeerRecord.parse(reply, from, to);
        assertThat(p.key()).isEqualTo("k7");
        assertThat(p.endpoint().port()).isEqualTo(6881);
        assertThat(p.location()).isEqualTo(new Location("eu", "z1", "r1"));
    }

    @Test
    void givenCorruptNumber_thenTheWholeRecordIsNamed() {
        assertThatThrownBy(() -> parse("k9,1,1,1x,2,0,443,10.0.0.1,eu,z,r"))
                .hasMessageContaining("k9,1,1,1x,2,0,443,10.0.0.1,eu,z,r");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "k,1,1,0,2,0,443,10.0.0.1,eu,z", "k,1,1,0,2,0,70000,10.0.0.1,eu,z,r", "k,1,x,0,2,0,443,10.0.0.1,eu,z,r",
        "k,,1,0,2,0,443,10.0.0.1,eu,z,r", "k,1,1,-5,2,0,443,10.0.0.1,eu,z,r",
        "k,1,1,9223372036854775808,2,0,443,10.0.0.1,eu,z,r",
        "k,1,1,12345678901234567890,2,0,443,10.0.0.1,eu,z,r",
        "k,1,1,9999999999999999999,2,0,443,10.0.0.1,eu,z,r",
        "k,1,1,0,2,0,4294967739,10.0.0.1,eu,z,r", "k,1,1,0,2,01,443,10.0.0.1,eu,z,r",
        "k,1,1,0,2,0,443,10.0.0.1,e u,z,r", "k,1,1,0,2,0,443,10.0.0.1,eu,z,r,x",
        "k,1,1,0,2,0,443,10.0.0.1", ",1,1,0,2,0,443,10.0.0.1,eu,z,r"})
    void givenCorruptRecord_thenItIsRefusedByName(String record) {
        assertThatThrownBy(() -> parse(record)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("corrupt peer record");
    }

    @Test
    void givenPeersOfOneRack_thenTheyShareOneLocationAndOthersGetTheirOwn() {
        PeerState a = parse("a,1,1,0,2,0,443,10.0.0.1,eu-west,z1,r7");
        PeerState b = parse("b,1,1,0,2,0,443,10.0.0.2,eu-west,z1,r7");
        PeerState c = parse("c,1,1,0,2,0,443,10.0.0.3,eu-west,z1,r8");

        assertThat(b.location()).isSameAs(a.location());
        assertThat(c.location().rack()).isEqualTo("r8");
        assertThat(a.location().rack()).isEqualTo("r7");
    }
}
