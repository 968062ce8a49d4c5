package io.rackswarm.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real containerd (Debian's package) with its own root, state and socket under a test
 * directory, and {@code ctr} to drive it. Needs root; {@link #available()} says whether this
 * machine can run it, so tests skip cleanly where it cannot.
 */
public final class ContainerdServer implements AutoCloseable {

    private final Path dir;
    private final Process process;

    private ContainerdServer(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /** Whether containerd and ctr are installed and this process is root. */
    public static boolean available() {
        return onPath("containerd") && onPath("ctr")
                && "root".equals(System.getProperty("user.name"));
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    public static ContainerdServer start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("config.toml");
        Files.writeString(config, String.join("\n",
                "version = 2",
                "root = \"" + dir.resolve("root") + "\"",
                "state = \"" + dir.resolve("state") + "\"",
                "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
                "[grpc]",
                "  address = \"" + dir.resolve("containerd.sock") + "\"",
                "[ttrpc]",
                "  address = \"" + dir.resolve("containerd-ttrpc.sock") + "\"",
                "") + "\n");
        Process p = new ProcessBuilder("containerd", "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("containerd.log").toFile()).start();
        ContainerdServer server = new ContainerdServer(dir, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (p.isAlive() && server.ctr("version").exitCode() == 0) {
                return server;
            }
            Thread.sleep(200);
        }
        server.close();
        throw new IllegalStateException("containerd did not start:\n"
                + Files.readString(dir.resolve("containerd.log")));
    }

    /** What a ctr command printed and how it ended. */
    public record Result(int exitCode, String output) {
    }

    /** Runs {@code ctr --address <socket> args…}, at most five minutes. */
    public Result ctr(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ctr", "--address",
                dir.resolve("containerd.sock").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "ctr", ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new Result(-1, Files.readString(out) + "\n(timed out)");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
