package io.rackswarm.core.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnnounceTokenTest {

    private final AnnounceToken tokens = new AnnounceToken(List.of("0123456789abcdef-secret"));

    @Test
    void givenMintedToken_whenVerified_thenYieldsTheIdentityWithoutExpiry() {
        String token = tokens.mint("node-17.rack-a");
        AnnounceToken.Claim claim = tokens.verify(token).orElseThrow();
        assertThat(claim.identity()).isEqualTo("node-17.rack-a");
        assertThat(claim.expiresAt()).isNull();
        assertThat(claim.expired(Instant.MAX)).isFalse();
    }

    @Test
    void givenShortLivedToken_whenVerified_thenCarriesItsExpiry() {
        Instant expiry = Instant.ofEpochSecond(1_900_000_000L);
        String token = tokens.mint("node-1", expiry);
        assertThat(token).startsWith("node-1~1900000000.");
        AnnounceToken.Claim claim = tokens.verify(token).orElseThrow();
        assertThat(claim.identity()).isEqualTo("node-1");
        assertThat(claim.expiresAt()).isEqualTo(expiry);
        assertThat(claim.expired(expiry.minusSeconds(1))).isFalse();
        assertThat(claim.expired(expiry)).isTrue();
    }

    @Test
    void givenExtendedExpiry_whenVerified_thenRefused() {
        String token = tokens.mint("node-1", Instant.ofEpochSecond(1_900_000_000L));
        String extended = token.replace("~1900000000.", "~1999999999.");
        assertThat(tokens.verify(extended)).isEmpty();
        String dropped = "node-1" + token.substring(token.lastIndexOf('.'));
        assertThat(tokens.verify(dropped)).isEmpty();
        assertThat(tokens.verify("node-1~abc" + token.substring(token.lastIndexOf('.'))))
                .isEmpty();
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
        assertThat(rotated.verify(old).map(AnnounceToken.Claim::identity)).contains("node-1");
        assertThat(rotated.mint("node-1")).isNotEqualTo(old);
        assertThat(rotated.sharesSecretWith(tokens)).isTrue();
        assertThat(new AnnounceToken(List.of("the-new-secret-16b")).sharesSecretWith(tokens))
                .isFalse();
    }

    @Test
    void givenShortSecretOrBadIdentity_thenRefused() {
        assertThatThrownBy(() -> new AnnounceToken(List.of("short")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.mint("Node 1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.mint("node-1", Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
