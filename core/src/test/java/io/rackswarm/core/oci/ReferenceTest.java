package io.rackswarm.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {

    private static final String D = "sha256:" + "ab".repeat(32);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "nginx, docker.io, library/nginx, latest",
        "nginx:1.27, docker.io, library/nginx, 1.27",
        "bitnami/redis:7, docker.io, bitnami/redis, 7",
        "ghcr.io/org/app:v1, ghcr.io, org/app, v1",
        "localhost/app, localhost, app, latest",
        "127.0.0.1:5000/team/app:dev, 127.0.0.1:5000, team/app, dev",
        "registry.example.com:443/a/b/c:x_y-z.1, registry.example.com:443, a/b/c, x_y-z.1"})
    void givenReference_whenParsed_thenNormalisedLikeDocker(String text, String registry,
            String repository, String tag) {
        Reference r = Reference.parse(text);
        assertThat(r.registry()).isEqualTo(registry);
        assertThat(r.repository().name()).isEqualTo(repository);
        assertThat(r.tag()).isEqualTo(tag);
        assertThat(r.manifestReference()).isEqualTo(tag);
    }

    @org.junit.jupiter.api.Test
    void givenDigestReference_thenTheDigestIsWhatIsAskedFor() {
        Reference r = Reference.parse("quay.io/x/y@" + D);
        assertThat(r.tag()).isNull();
        assertThat(r.manifestReference()).isEqualTo(D);
        assertThat(Reference.parse("quay.io/x/y:1@" + D).manifestReference()).isEqualTo(D);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "UPPER/case", "a/../etc/passwd", "../x", "a//b", "/abs",
        "a/b:", "a/b:-bad", "a@sha256:123", "reg.io/", "a/b/", "a b"})
    void givenMalformedOrTraversingReference_thenRefused(String text) {
        assertThatThrownBy(() -> Reference.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
