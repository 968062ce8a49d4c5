package io.rackswarm.core.torrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PeerEndpointTest {

    @Test
    void givenIpv4Peer_thenCompactFormIsSixBytesBigEndian() {
        assertThat(PeerEndpoint.of("10.1.2.3", 6881).compact())
                .containsExactly(10, 1, 2, 3, 0x1a, (byte) 0xe1);
    }

    @Test
    void givenIpv6Peer_thenCompactFormIsEighteenBytes() {
        PeerEndpoint p = PeerEndpoint.of("2001:db8::1", 443);
        assertThat(p.isIpv6()).isTrue();
        assertThat(p.compact()).hasSize(18).endsWith(0x01, (byte) 0xbb);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "localhost", "1.2.3.4.5", "::g", "1.2.3.4 ", "01.2.3.4", "256.1.1.1", "1.2.3"})
    void givenHostNameOrGarbage_thenRefusedWithoutLookingItUp(String ip) {
        assertThatThrownBy(() -> PeerEndpoint.of(ip, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536})
    void givenPortOutOfRange_thenRefused(int port) {
        assertThatThrownBy(() -> PeerEndpoint.of("127.0.0.1", port))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
    }

    @Test
    void givenWrongLengths_thenInfoHashAndPeerIdAreRefused() {
        assertThatThrownBy(() -> InfoHash.of(new byte[19])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerId.of(new byte[21])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InfoHash.ofHex("zz".repeat(20)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(InfoHash.ofHex("AB".repeat(20)).hex()).isEqualTo("ab".repeat(20));
    }
}
