package io.rackswarm.agent.hostconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact files the agent writes for containerd and CRI-O, and what cleanup removes. */
class MirrorConfigTest {

    private static final String MIRROR = "http://127.0.0.1:5080";

    @TempDir
    Path dir;

    @Test
    void givenDockerHub_thenHostsTomlFallsBackToItsApiHost() {
        assertThat(ContainerdHosts.render(MirrorTarget.parse("docker.io"), MIRROR)).isEqualTo("""
                # Written by rackswarm-agent; `rackswarm-agent cleanup` removes it.
                server = "https://registry-1.docker.io"

                [host."http://127.0.0.1:5080"]
                  capabilities = ["pull", "resolve"]
                  dial_timeout = "200ms"
                """);
    }

    @Test
    void givenDefault_thenHostsTomlHasNoServerAndContainerdUsesEachRegistryItself() {
        assertThat(ContainerdHosts.render(MirrorTarget.parse("_default"), MIRROR)).isEqualTo("""
                # Written by rackswarm-agent; `rackswarm-agent cleanup` removes it.

                [host."http://127.0.0.1:5080"]
                  capabilities = ["pull", "resolve"]
                  dial_timeout = "200ms"
                """);
    }

    @Test
    void givenRegistries_thenCrioDropInMirrorsEachThroughTheAgentWithItsHostInThePath() {
        assertThat(CrioMirror.render(List.of(MirrorTarget.parse("ghcr.io"),
                MirrorTarget.parse("http://registry.internal:5000"),
                MirrorTarget.parse("_default")), MIRROR)).isEqualTo("""
                # Written by rackswarm-agent; `rackswarm-agent cleanup` removes it.

                [[registry]]
                prefix = "ghcr.io"
                location = "ghcr.io"

                [[registry.mirror]]
                location = "127.0.0.1:5080/ghcr.io"
                insecure = true

                [[registry]]
                prefix = "registry.internal:5000"
                location = "registry.internal:5000"
                insecure = true

                [[registry.mirror]]
                location = "127.0.0.1:5080/registry.internal:5000"
                insecure = true
                """);
    }

    @Test
    void givenBadRegistryNames_thenRefused() {
        assertThatThrownBy(() -> MirrorTarget.parse("../../etc"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MirrorTarget.parse("http://host/path"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void givenForeignFiles_whenWritingAndCleaningUp_thenOnlyTheAgentsFilesAreTouched()
            throws Exception {
        Path certs = dir.resolve("certs.d");
        Path foreign = Files.createDirectories(certs.resolve("ghcr.io")).resolve("hosts.toml");
        Files.writeString(foreign, "server = \"https://ghcr.io\"\n");
        Path neighbour = Files.createDirectories(certs.resolve("docker.io"))
                .resolve("ca.crt");
        Files.writeString(neighbour, "a certificate\n");

        List<Path> written = MirrorConfigWriter.writeContainerd(certs, List.of(
                MirrorTarget.parse("ghcr.io"), MirrorTarget.parse("docker.io"),
                MirrorTarget.parse("_default")), MIRROR);
        assertThat(written).containsExactly(certs.resolve("docker.io/hosts.toml"),
                certs.resolve("_default/hosts.toml"));
        assertThat(Files.readString(foreign)).isEqualTo("server = \"https://ghcr.io\"\n");

        // Written again at the next start: replaced, not refused.
        assertThat(MirrorConfigWriter.writeContainerd(certs, List.of(
                MirrorTarget.parse("docker.io")), MIRROR)).hasSize(1);

        List<Path> removed = MirrorConfigWriter.cleanup(certs, null);
        assertThat(removed).containsExactlyInAnyOrder(certs.resolve("docker.io/hosts.toml"),
                certs.resolve("_default/hosts.toml"));
        assertThat(foreign).exists();
        assertThat(neighbour).exists();
        assertThat(certs.resolve("_default")).doesNotExist();
    }
}
