package io.rackswarm.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One of rackswarm's services started from its built jar as a process of its own (a seeder
 * replica, an agent on a "node"), with libjsig preloaded as libtorrent needs, on a free loopback
 * port, configured by environment variables. Stopped by PID; {@link #kill()} stops it without
 * warning, as a crash would.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code jar} (a quarkus-run.jar) and waits until {@code /q/health/ready} says 200.
     *
     * @param jarProperty the system property naming the jar, e.g. rackswarm.jar.agent
     * @param port the HTTP port (the service reads {@code PORT})
     * @param env its configuration
     */
    public static ServiceProcess start(String name, String jarProperty, int port,
            Map<String, String> env, Path logDir) throws IOException, InterruptedException {
        String jar = System.getProperty(jarProperty);
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("the jar " + jarProperty + " is missing (" + jar
                    + "): build the module first, e.g. mvn verify from the repository root");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m",
                "-XX:+UseSerialGC", "-jar", jar));
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("LD_PRELOAD", Path.of(System.getProperty("java.home"), "lib",
                "libjsig.so").toString());
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().putAll(env);
        ServiceProcess service = new ServiceProcess(name, pb.start(), port, log);
        if (!Processes.awaitHttp(service.process, URI.create(service.url() + "/q/health/ready"),
                status -> status == 200, Duration.ofSeconds(60))) {
            service.close();
            throw new IllegalStateException(name + " did not become ready:\n"
                    + Files.readString(log));
        }
        return service;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** What the process printed so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hooks, files left as they are. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        Processes.stop(process);
    }

    @Override
    public String toString() {
        return name + " at " + url();
    }
}
