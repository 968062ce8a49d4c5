package io.rackswarm.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real CNCF distribution registry (Debian's {@code docker-registry}) on a free loopback port,
 * optionally demanding HTTP basic auth, with images pushed by {@code skopeo}.
 */
public final class RegistryServer implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final String user;
    private final String password;
    private final Process process;

    private RegistryServer(Path dir, int port, String user, String password, Process process) {
        this.dir = dir;
        this.port = port;
        this.user = user;
        this.password = password;
        this.process = process;
    }

    public static RegistryServer start(Path dir) throws IOException, InterruptedException {
        return start(dir, null, null);
    }

    /** With a user and password, every request needs HTTP basic auth. */
    public static RegistryServer start(Path dir, String user, String password)
            throws IOException, InterruptedException {
        return start(dir, user, password, null);
    }

    /**
     * With a token server, every request needs a Bearer token from it (obtained with the user
     * and password), as on Docker Hub or Harbor.
     */
    public static RegistryServer startWithTokenAuth(Path dir, TokenServer tokens, String user,
            String password) throws IOException, InterruptedException {
        return start(dir, user, password, tokens);
    }

    private static RegistryServer start(Path dir, String user, String password,
            TokenServer tokens) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = RedisServer.freePort();
        StringBuilder config = new StringBuilder()
                .append("version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n")
                .append("    rootdirectory: ").append(dir.resolve("data")).append('\n')
                .append("  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:").append(port)
                .append('\n');
        if (tokens != null) {
            config.append("auth:\n  token:\n    realm: ").append(tokens.realm())
                    .append("\n    service: ").append(TokenServer.SERVICE)
                    .append("\n    issuer: ").append(TokenServer.ISSUER)
                    .append("\n    rootcertbundle: ").append(tokens.certificatePem())
                    .append('\n');
        } else if (user != null) {
            Process htpasswd = new ProcessBuilder("htpasswd", "-Bbn", user, password)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] line = htpasswd.getInputStream().readAllBytes();
            if (htpasswd.waitFor() != 0) {
                throw new IllegalStateException("htpasswd failed (apt-get install apache2-utils)");
            }
            Files.write(dir.resolve("htpasswd"), line);
            config.append("auth:\n  htpasswd:\n    realm: rackswarm-test\n    path: ")
                    .append(dir.resolve("htpasswd")).append('\n');
        }
        Path configFile = Files.writeString(dir.resolve("config.yml"), config.toString());
        Process p = new ProcessBuilder("docker-registry", "serve", configFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        RegistryServer server = new RegistryServer(dir, port, user, password, p);
        server.awaitUp();
        return server;
    }

    private void awaitUp() throws IOException, InterruptedException {
        if (!Processes.awaitHttp(process, URI.create(url() + "/v2/"),
                status -> status == 200 || status == 401, Duration.ofSeconds(20))) {
            close();
            throw new IllegalStateException("docker-registry did not start:\n"
                    + Files.readString(dir.resolve("registry.log")));
        }
    }

    public String host() {
        return "127.0.0.1:" + port;
    }

    public String url() {
        return "http://" + host();
    }

    /** Pushes an OCI image layout (all platforms of an index) as {@code repository:tag}. */
    public void push(Path layout, String layoutTag, String repository, String tag)
            throws IOException, InterruptedException {
        push(layout, layoutTag, repository, tag, null);
    }

    /**
     * @param format skopeo's manifest format for the destination ({@code v2s2} converts to
     *     Docker schema 2), or null to keep the layout's
     */
    public void push(Path layout, String layoutTag, String repository, String tag, String format)
            throws IOException, InterruptedException {
        Path policy = Files.writeString(dir.resolve("policy.json"),
                "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}");
        List<String> cmd = new java.util.ArrayList<>(List.of("skopeo", "--policy",
                policy.toString(), "copy", "--all", "--quiet", "--dest-tls-verify=false"));
        if (user != null) {
            cmd.add("--dest-creds=" + user + ":" + password);
        }
        if (format != null) {
            cmd.add("--format=" + format);
        }
        cmd.add("oci:" + layout + ":" + layoutTag);
        cmd.add("docker://" + host() + "/" + repository + ":" + tag);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("skopeo copy failed: " + out);
        }
    }

    @Override
    public void close() {
        Processes.stop(process);
    }
}
