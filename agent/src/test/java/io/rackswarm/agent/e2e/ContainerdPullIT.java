package io.rackswarm.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rackswarm.agent.testing.AgentWorld;
import io.rackswarm.testsupport.ContainerdServer;
import io.rackswarm.testsupport.OciLayout;
import io.rackswarm.testsupport.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's path end to end: a real containerd, pointed at the agent by the hosts.toml the
 * agent wrote, pulls and unpacks an image that lives only in a real docker-registry, through the
 * seeder and the agent, the large layer over BitTorrent. With the agent gone, containerd still
 * pulls, from upstream.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerdPullIT {

    @TempDir
    static Path dir;

    static AgentWorld world;
    static ContainerdServer containerd;
    static ServiceProcess agent;
    static Path certs;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(ContainerdServer.available(), "containerd, ctr and root are needed");
        world = AgentWorld.start(dir.resolve("world"), 0);
        certs = dir.resolve("certs.d");
        agent = world.agent("node-1", "a", Map.of(
                "RACKSWARM_AGENT_RUNTIME_CONTAINERD_CERTS_DIR", certs.toString(),
                "RACKSWARM_AGENT_RUNTIME_REGISTRIES", "http://" + world.ns()));
        containerd = ContainerdServer.start(dir.resolve("containerd"));
    }

    @AfterAll
    static void stop() {
        if (containerd != null) {
            containerd.close();
        }
        if (agent != null) {
            agent.close();
        }
        if (world != null) {
            world.close();
        }
    }

    private static String image() {
        return world.ns() + "/team/app:v1";
    }

    @Test
    @Order(1)
    void givenTheAgent_thenHostsTomlPointsContainerdAtItWithUpstreamAsServer() throws Exception {
        String toml = Files.readString(certs.resolve(world.ns()).resolve("hosts.toml"));
        assertThat(toml).isEqualTo("""
                # Written by rackswarm-agent; `rackswarm-agent cleanup` removes it.
                server = "http://%s"

                [host."http://127.0.0.1:5080"]
                  capabilities = ["pull", "resolve"]
                  dial_timeout = "200ms"
                """.formatted(world.ns()));
    }

    @Test
    @Order(2)
    void givenContainerd_whenItPullsThroughTheAgent_thenLayersCameOverBitTorrentAndUnpack()
            throws Exception {
        // The agent listens on its own port in tests; the hosts.toml it wrote names the
        // default one, so point containerd at the test agent for this run.
        writeHosts(agent.url());
        var pull = containerd.ctr("images", "pull", "--hosts-dir", certs.toString(),
                "--snapshotter", "native", image());
        assertThat(pull.exitCode()).as(pull.output()).isZero();

        var content = containerd.ctr("content", "ls");
        for (OciLayout.Blob layer : world.image.layers()) {
            assertThat(content.output()).contains(layer.digest());
        }
        String metrics = get(agent.url() + "/q/metrics");
        assertThat(counter(metrics, "seeder_p2p")).as("agent log:\n%s\npull:\n%s",
                agent.log(), pull.output()).isGreaterThan(0);
        long viaAgent = 0;
        for (String s : List.of("seeder_p2p", "seeder_http", "peer_rack", "peer_remote")) {
            viaAgent += counter(metrics, s);
        }
        long layers = world.image.layers().stream().mapToLong(OciLayout.Blob::size).sum();
        assertThat(viaAgent).as("every layer came through the agent").isGreaterThanOrEqualTo(
                layers - world.image.layers().get(2).size());
        var check = containerd.ctr("images", "check");
        assertThat(check.output()).contains(image()).contains("complete");
    }

    @Test
    @Order(3)
    void givenTheAgentStopped_whenContainerdPullsAgain_thenItFallsBackToUpstream()
            throws Exception {
        agent.close();
        containerd.ctr("images", "rm", image());
        for (OciLayout.Blob layer : world.image.layers()) {
            containerd.ctr("content", "rm", layer.digest());
        }
        var pull = containerd.ctr("images", "pull", "--hosts-dir", certs.toString(),
                "--snapshotter", "native", image());
        assertThat(pull.exitCode()).as(pull.output()).isZero();
        assertThat(containerd.ctr("content", "ls").output())
                .contains(world.image.layers().get(2).digest());
    }

    @Test
    @Order(4)
    void givenCleanup_thenExactlyTheAgentsFilesGo() throws Exception {
        Path foreign = Files.createDirectories(certs.resolve("other.example"))
                .resolve("hosts.toml");
        Files.writeString(foreign, "server = \"https://other.example\"\n");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin",
                "java").toString(), "-jar", System.getProperty("rackswarm.jar.agent"), "cleanup")
                .redirectErrorStream(true);
        pb.environment().put("RACKSWARM_AGENT_RUNTIME_CONTAINERD_CERTS_DIR", certs.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("1 files removed");
        assertThat(certs.resolve(world.ns())).doesNotExist();
        assertThat(foreign).exists();
    }

    private static void writeHosts(String agentUrl) throws Exception {
        Path file = certs.resolve(world.ns()).resolve("hosts.toml");
        Files.writeString(file, Files.readString(file).replace("http://127.0.0.1:5080",
                agentUrl));
    }

    private static long counter(String metrics, String source) {
        Matcher m = Pattern.compile("rackswarm_agent_fetched_bytes_total\\{source=\"" + source
                + "\"} ([0-9.E]+)").matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
