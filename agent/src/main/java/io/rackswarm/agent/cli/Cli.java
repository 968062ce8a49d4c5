package io.rackswarm.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rackswarm.agent.hostconfig.MirrorConfigWriter;
import io.rackswarm.core.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent's command line, for {@code kubectl exec} on a node: {@code status} prints what the
 * agent is fetching; {@code pull IMAGE} fetches an image's blobs into the node's cache through
 * the agent, with a progress bar; {@code cleanup} removes the runtime configuration the agent
 * wrote (the chart runs it when rackswarm is uninstalled).
 */
public final class Cli {

    private static final String USAGE = """
            usage: rackswarm-agent [status | pull IMAGE [--platform os/arch] | cleanup]
              status    what the agent on this node caches and fetches
              pull      fetch IMAGE's blobs through the agent into the node's cache
              cleanup   remove the hosts.toml files and CRI-O drop-in the agent wrote
            environment: RACKSWARM_AGENT_URL (default http://127.0.0.1:$PORT, PORT 5080),
              RACKSWARM_AGENT_RUNTIME_CONTAINERD_CERTS_DIR, RACKSWARM_AGENT_RUNTIME_CRIO_REGISTRIES_DIR
            """;
    private static final String ACCEPT = String.join(", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private final PrintStream out;
    private final String agent;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    private Cli(PrintStream out, String agent) {
        this.out = out;
        this.agent = agent;
    }

    /** Runs one command; returns the process's exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> env = System.getenv();
        // The agent listens on PORT (5080 unless set), and the CLI runs beside it: in its
        // container (kubectl exec, the chart's preStop hook) with the same environment.
        Cli cli = new Cli(out, env.getOrDefault("RACKSWARM_AGENT_URL",
                "http://127.0.0.1:" + env.getOrDefault("PORT", "5080")));
        try {
            return switch (args[0]) {
                case "status" -> cli.status();
                case "pull" -> {
                    if (args.length < 2) {
                        throw new IllegalArgumentException("pull needs an image reference");
                    }
                    String platform = args.length >= 4 && args[2].equals("--platform") ? args[3]
                            : "linux/" + arch();
                    yield cli.pull(Reference.parse(args[1]), platform);
                }
                case "cleanup" -> cli.cleanup(env);
                case "-h", "--help", "help" -> {
                    out.print(USAGE);
                    yield 0;
                }
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            };
        } catch (IllegalArgumentException e) {
            err.println("rackswarm-agent: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (IOException | RuntimeException e) {
            // A refused connection has no message of its own: name its kind and the agent.
            err.println("rackswarm-agent: " + (e.getMessage() != null ? e.getMessage()
                    : e.getClass().getSimpleName() + " talking to " + cli.agent));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return a.equals("x86_64") || a.equals("amd64") ? "amd64"
                : a.equals("aarch64") ? "arm64" : a;
    }

    private int status() throws IOException, InterruptedException {
        JsonNode s = json.readTree(get("/api/v1/status").body());
        JsonNode t = s.get("topology");
        JsonNode c = s.get("cache");
        out.printf("node %s  region=%s zone=%s rack=%s (%s)%n", s.get("node").asText(),
                t.get("region").asText(), t.get("zone").asText(), t.get("rack").asText(),
                t.get("source").asText());
        out.printf("cache %d blobs, %s of %s, seeding %d%n", c.get("entries").asInt(),
                bytes(c.get("bytes").asLong()), bytes(c.get("budgetBytes").asLong()),
                c.get("seeding").asInt());
        if (s.get("downloads").isEmpty()) {
            out.println("nothing in flight");
        }
        for (JsonNode d : s.get("downloads")) {
            JsonNode by = d.get("bytesBySource");
            out.printf("%s %s %5.1f%% of %s at %s/s via %s%s  rack %s, other racks %s, "
                            + "seeders %s + %s http%n", bar(d.get("progress").asDouble(), 20),
                    d.get("digest").asText().substring(0, 19), 100 * d.get("progress").asDouble(),
                    bytes(d.get("size").asLong()), bytes(d.get("bytesPerSecond").asLong()),
                    d.get("mode").asText(), d.get("fallback").asText().isEmpty() ? ""
                            : " (fell back: " + d.get("fallback").asText() + ")",
                    bytes(by.get("peer_rack").asLong()), bytes(by.get("peer_remote").asLong()),
                    bytes(by.get("seeder_p2p").asLong()), bytes(by.get("seeder_http").asLong()));
        }
        return 0;
    }

    private int pull(Reference image, String platform) throws IOException, InterruptedException {
        String ns = "?ns=" + image.registry();
        String base = "/v2/" + image.repository();
        JsonNode manifest = json.readTree(get(base + "/manifests/" + image.manifestReference()
                + ns).body());
        if (manifest.has("manifests")) {
            String[] osArch = platform.split("/");
            String digest = null;
            for (JsonNode m : manifest.get("manifests")) {
                JsonNode p = m.get("platform");
                if (p != null && p.path("os").asText().equals(osArch[0])
                        && p.path("architecture").asText().equals(osArch[1])) {
                    digest = m.get("digest").asText();
                    break;
                }
            }
            if (digest == null) {
                throw new IllegalArgumentException(image + " has no image for " + platform);
            }
            manifest = json.readTree(get(base + "/manifests/" + digest + ns).body());
        }
        List<JsonNode> blobs = new ArrayList<>();
        blobs.add(manifest.get("config"));
        manifest.get("layers").forEach(blobs::add);
        long total = blobs.stream().mapToLong(b -> b.get("size").asLong()).sum();
        long done = 0;
        long start = System.nanoTime();
        byte[] buffer = new byte[1 << 16];
        for (JsonNode blob : blobs) {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(agent
                    + base + "/blobs/" + blob.get("digest").asText() + ns)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new IOException("agent answered " + r.statusCode() + " for "
                        + blob.get("digest").asText() + ": "
                        + new String(r.body().readAllBytes()));
            }
            try (InputStream in = r.body()) {
                int n;
                long lastDraw = 0;
                while ((n = in.read(buffer)) > 0) {
                    done += n;
                    if (System.nanoTime() - lastDraw > 200_000_000L) {
                        draw(done, total, start);
                        lastDraw = System.nanoTime();
                    }
                }
            }
        }
        draw(done, total, start);
        out.printf("%n%s: %d blobs, %s in %.1f s%n", image, blobs.size(), bytes(total),
                (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private void draw(long done, long total, long start) {
        double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        out.printf("\r%s %5.1f%% %s of %s, %s/s   ", bar(total == 0 ? 1 : (double) done / total,
                30), total == 0 ? 100.0 : 100.0 * done / total, bytes(done), bytes(total),
                bytes((long) (done / seconds)));
        out.flush();
    }

    private int cleanup(Map<String, String> env) throws IOException {
        String containerd = env.get("RACKSWARM_AGENT_RUNTIME_CONTAINERD_CERTS_DIR");
        String crio = env.get("RACKSWARM_AGENT_RUNTIME_CRIO_REGISTRIES_DIR");
        var removed = MirrorConfigWriter.cleanup(containerd == null ? null : Path.of(containerd),
                crio == null ? null : Path.of(crio));
        removed.forEach(p -> out.println("removed " + p));
        out.println(removed.size() + " files removed");
        return 0;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        String accept = path.contains("/manifests/") ? ACCEPT : "application/json";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(agent + path))
                .header("Accept", accept).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("agent answered " + r.statusCode() + " for " + path + ": "
                    + r.body());
        }
        return r;
    }

    static String bar(double fraction, int width) {
        int full = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
        return "[" + "#".repeat(full) + ".".repeat(width - full) + "]";
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
