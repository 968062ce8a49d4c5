package io.rackswarm.tracker.announce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedNetworksTest {

    private static boolean trusted(TrustedNetworks n, String address) throws Exception {
        return n.contains(InetAddress.getByName(address));
    }

    @Test
    void givenBlocks_thenAddressesInsideAreTrustedAndOthersNot() throws Exception {
        TrustedNetworks n = TrustedNetworks.parse(List.of("10.0.0.0/8", "192.168.7.1/32",
                "fd00::/8"));
        assertThat(trusted(n, "10.200.3.4")).isTrue();
        assertThat(trusted(n, "11.0.0.1")).isFalse();
        assertThat(trusted(n, "192.168.7.1")).isTrue();
        assertThat(trusted(n, "192.168.7.2")).isFalse();
        assertThat(trusted(n, "fd12::1")).isTrue();
        assertThat(trusted(n, "fe80::1")).isFalse();
        // An IPv4 block never matches an IPv6 address, and the other way round.
        assertThat(trusted(TrustedNetworks.parse(List.of("0.0.0.0/0")), "::1")).isFalse();
        assertThat(trusted(TrustedNetworks.parse(List.of("::/0")), "127.0.0.1")).isFalse();
        assertThat(trusted(TrustedNetworks.parse(List.of()), "127.0.0.1")).isFalse();
    }

    @Test
    void givenBadCidr_thenRefusedWithTheReason() {
        assertThatThrownBy(() -> TrustedNetworks.parse(List.of("10.0.0.0")))
                .hasMessageContaining("must be CIDR");
        assertThatThrownBy(() -> TrustedNetworks.parse(List.of("10.0.0.0/33")))
                .hasMessageContaining("bad prefix length");
        assertThatThrownBy(() -> TrustedNetworks.parse(List.of("10.0.0.0/x")))
                .hasMessageContaining("bad prefix length");
        assertThatThrownBy(() -> TrustedNetworks.parse(List.of("example.com/8")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
