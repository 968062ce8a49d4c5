package io.rackswarm.torrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryTest {

    @Test
    void givenAMemoryMapWithoutLibjsig_thenLibtorrentIsRefusedWithTheFix(@TempDir Path dir)
            throws IOException {
        Path maps = Files.writeString(dir.resolve("maps"),
                "7f0000000000-7f0000001000 r-xp 00000000 fd:00 1 /usr/lib/jvm/lib/server/libjvm.so\n");

        assertThatThrownBy(() -> NativeLibrary.requireSignalChaining(maps))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("LD_PRELOAD=")
                .hasMessageContaining("libjsig.so");
    }

    @Test
    void givenThisTestJvm_thenItsPreloadedLibjsigIsSeen() {
        NativeLibrary.requireSignalChaining(Path.of("/proc/self/maps"));
    }

    @Test
    void givenAJvmStartedWithoutLibjsig_thenItStopsAtOnceWithTheFixInsteadOfDyingAfterAGc()
            throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder child = new ProcessBuilder(List.of(java.toString(), "-cp",
                System.getProperty("java.class.path"), Prepare.class.getName()))
                .redirectErrorStream(true);
        child.environment().remove("LD_PRELOAD");
        Process p = child.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(out).isNotZero();
        assertThat(out).contains("libjsig.so is not preloaded");
    }

    /** Runs in the child JVM. */
    public static final class Prepare {
        public static void main(String[] args) {
            NativeLibrary.prepare();
        }
    }
}
