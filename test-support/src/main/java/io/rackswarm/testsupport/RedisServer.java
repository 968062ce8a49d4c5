package io.rackswarm.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} process on a free loopback port, without persistence. Tests also
 * use it to look at Redis directly (key counts, a key's type) through a minimal RESP client.
 *
 * <p>It runs with the settings production uses ({@value #SETTINGS}, found in the working
 * directory or above it), so that tests exercise the same encodings as a deployment.
 */
public final class RedisServer {

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private RedisServer(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
    }

    public static RedisServer start() {
        return start(List.of());
    }

    /** @param extraArgs settings after the usual ones, e.g. {@code --cluster-enabled yes} */
    public static RedisServer start(List<String> extraArgs) {
        try {
            // A cluster node also listens on its port + 10000 (the cluster bus): Redis refuses
            // ports above 55535 there.
            int port = extraArgs.contains("--cluster-enabled") ? freePortBelow(55536) : freePort();
            RedisServer server = new RedisServer(port, Files.createTempDirectory("redis"),
                    List.copyOf(extraArgs));
            server.launch();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (apt-get install "
                    + "redis-server): " + e.getMessage(), e);
        }
    }

    private static java.util.Optional<Path> settings() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path file = d.resolve(SETTINGS);
            if (Files.isRegularFile(file)) {
                return java.util.Optional.of(file);
            }
        }
        return java.util.Optional.empty();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A free port below {@code limit}, from the kernel's choices (which may lie above it). */
    static int freePortBelow(int limit) throws IOException {
        for (int tries = 0; tries < 1000; tries++) {
            int port = freePort();
            if (port < limit) {
                return port;
            }
        }
        throw new IOException("no free port below " + limit + " in 1000 tries");
    }

    /** rackswarm's Redis settings, relative to the repository's root. */
    static final String SETTINGS = "k8s/redis/rackswarm-redis.conf";

    private void launch() throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server"));
        settings().ifPresent(file -> command.add(file.toString()));
        command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if ("PONG".equals(command("PING"))) {
                    return;
                }
            } catch (IOException notYet) {
                sleep();
            }
        }
        throw new IllegalStateException("redis-server did not answer on port " + port);
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Kills the server (as a crash would); {@link #restart()} brings it back on the same port. */
    public void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Freezes the server (SIGSTOP): connections stay open and nothing answers. */
    public void pause() {
        signal("-STOP");
    }

    /** Lets a paused server go on (SIGCONT). */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid()))
                    .inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void restart() {
        stop();
        try {
            launch();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends one command and returns a simple answer: status, integer or bulk string as text. */
    public String command(String... args) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            StringBuilder req = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                req.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(a).append("\r\n");
            }
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read(s.getInputStream());
        }
    }

    /** All keys, for tests that check a refused request wrote nothing. */
    public List<String> keys() throws IOException {
        String flat = command("KEYS", "*");
        List<String> keys = new ArrayList<>(List.of(flat.split("\n")));
        keys.removeIf(String::isEmpty);
        keys.sort(null);
        return keys;
    }

    private static String read(InputStream in) throws IOException {
        String line = line(in);
        char type = line.charAt(0);
        String rest = line.substring(1);
        switch (type) {
            case '+', ':' -> {
                return rest;
            }
            case '-' -> throw new IOException("redis error: " + rest);
            case '$' -> {
                int n = Integer.parseInt(rest);
                if (n < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(n + 2);
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(rest);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    sb.append(read(in)).append('\n');
                }
                return sb.toString();
            }
            default -> throw new IOException("unexpected reply: " + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            sb.append((char) c);
        }
        in.read();
        return sb.toString();
    }
}
