package io.rackswarm.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnnounceTokenTest {

    private final AnnounceToken tokens = new AnnounceToken(List.of("0123456789abcdef-secret"));

    @Test
    void givenMintedToken_whenVerified_thenYieldsTheIdentity() {
        String token = tokens.mint("node-17.rack-a");
        assertThat(tokens.verify(token)).contains("node-17.rack-a");
    }

    @Test
    void givenTokenOfOtherIdentityOrSecret_whenVerified_thenRefused() {
        String token = tokens.mint("node-1");
        String forged = "node-2" + token.substring(token.lastIndexOf('.'));
        assertThat(tokens.verify(forged)).isEmpty();
        String foreign = new AnnounceToken(List.of("another-secret-of-16b")).mint("node-1");
        assertThat(tokens.verify(foreign)).isEmpty();
        assertThat(tokens.verify("node-1")).isEmpty();
        assertThat(tokens.verify("node-1.!!!")).isEmpty();
        assertThat(tokens.verify(null)).isEmpty();
        assertThat(tokens.verify("x".repeat(500))).isEmpty();
    }

    @Test
    void givenRotatedSecrets_whenOldTokenVerified_thenStillAccepted() {
        String old = tokens.mint("node-1");
        AnnounceToken rotated = new AnnounceToken(List.of("the-new-secret-16b", "0123456789abcdef-secret"));
        assertThat(rotated.verify(old)).contains("node-1");
        assertThat(rotated.mint("node-1")).isNotEqualTo(old);
    }

    @Test
    void givenShortSecretOrBadIdentity_thenRefused() {
        assertThatThrownBy(() -> new AnnounceToken(List.of("short")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.mint("Node 1")).isInstanceOf(IllegalArgumentException.class);
    }
}
