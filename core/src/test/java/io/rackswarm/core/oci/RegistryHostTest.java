package io.rackswarm.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryHostTest {

    @ParameterizedTest
    @ValueSource(strings = {"docker.io", "registry-1.docker.io", "ghcr.io", "127.0.0.1:5000",
        "localhost", "my-registry.internal:443", "[::1]:5000", "[fd00::1]"})
    void givenARegistryHost_thenAccepted(String host) {
        assertThat(RegistryHost.parse(host).toString()).isEqualTo(host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "https://docker.io", "docker.io/library", "127.0.0.1:25000/x?",
        "user@host", "host:0", "host:65536", "host:", "-bad.io", "a..b", "[::1", "[::1]x",
        "host name", "../etc", "host:80:80"})
    void givenAnythingElse_thenRefused(String text) {
        assertThatThrownBy(() -> RegistryHost.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registry host");
    }
}
