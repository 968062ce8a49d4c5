package io.rackswarm.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {

    private static final String HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void givenSha256Digest_whenParsed_thenPrintsBackIdentically() {
        Digest d = Digest.parse("sha256:" + HEX);
        assertThat(d.algorithm()).isEqualTo("sha256");
        assertThat(d.toString()).isEqualTo("sha256:" + HEX);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sha256", "sha256:", "md5:" + HEX, "sha256:" + HEX + "0",
        "SHA256:" + HEX, "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "sha256:../../../../etc/passwd", "sha512:" + HEX})
    void givenMalformedDigest_whenParsed_thenRefused(String text) {
        assertThatThrownBy(() -> Digest.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
