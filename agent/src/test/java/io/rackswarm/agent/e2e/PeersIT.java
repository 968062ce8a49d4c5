package io.rackswarm.agent.e2e;

import static io.rackswarm.agent.testing.AgentHttp.counter;
import static io.rackswarm.agent.testing.AgentHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.rackswarm.agent.testing.AgentHttp;
import io.rackswarm.agent.testing.AgentWorld;
import io.rackswarm.core.metainfo.TorrentFile;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.testsupport.OciLayout;
import io.rackswarm.testsupport.RedisServer;
import io.rackswarm.testsupport.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * Agents as separate processes, as on separate nodes, with a seeder capped at 1 MB/s so that
 * what a node can take from its peers shows: a second rack's node takes bytes from the first;
 * a peer serving corrupt pieces never gets them into a cache; an agent killed mid-blob resumes;
 * with the tracker gone, pulls complete from the seeder over HTTP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PeersIT {

    @TempDir
    static Path dir;

    static AgentWorld world;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        world = AgentWorld.start(dir.resolve("world"), 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
    }

    private static OciLayout.Blob big() {
        return world.image.layers().get(2);
    }

    private static OciLayout.Blob mid() {
        return world.image.layers().get(1);
    }

    @Test
    @Order(1)
    void givenAnAgentInRackA_whenAnAgentInRackBPulls_thenItTakesBytesFromRackA()
            throws Exception {
        try (ServiceProcess a = world.agent("node-a1", "a", Map.of());
                ServiceProcess b = world.agent("node-b1", "b", Map.of())) {
            assertThat(pull(a, big())).isEqualTo(big().digest());
            assertThat(pull(b, big())).as(b.log()).isEqualTo(big().digest());
            String metrics = get(b.url() + "/q/metrics");
            long fromA = counter(metrics, "rackswarm_agent_fetched_bytes_total", "source",
                    "peer_remote");
            assertThat(fromA).as("bytes node-b1 took from node-a1\n%s", metrics)
                    .isGreaterThan(big().size() / 4);
        }
    }

    @Test
    @Order(2)
    void givenAPeerServingCorruptPieces_thenTheAgentRejectsThemAndCachesTheRightBlob()
            throws Exception {
        OciLayout.Blob blob = mid();
        Digest digest = Digest.parse(blob.digest());
        TorrentFile file = torrentOf(blob);
        // A node in the agent's own rack seeding the blob with every piece damaged: aria2c
        // seeds files it has not verified when told to (libtorrent's seed mode would check
        // each piece before sending it).
        Path badDir = Files.createDirectories(dir.resolve("bad-peer"));
        byte[] corrupt = blob.bytes().clone();
        for (int i = 0; i < corrupt.length; i += 16 * 1024) {
            corrupt[i] ^= 0x5a;
        }
        Files.write(badDir.resolve(digest.hex()), corrupt);
        String announce = world.tracker.announceUrl("node-bad", "eu-1", "c") + "&region=eu";
        Path badTorrent = Files.write(dir.resolve("bad.torrent"),
                file.metainfo().torrentFile(announce));
        Process bad = new ProcessBuilder("aria2c", "--dir=" + badDir,
                "--listen-port=" + RedisServer.freePort(), "--enable-dht=false",
                "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
                "--bt-seed-unverified=true", "--check-integrity=false", "--seed-ratio=0.0",
                "--seed-time=10", "--bt-tracker-interval=1", badTorrent.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("bad.log").toFile())
                .start();
        try (ServiceProcess agent = world.agent("node-c1", "c", Map.of())) {
            world.tracker.awaitTorrentInfo(file.metainfo().infoHash().hex(), "\"seeders\":2",
                    Duration.ofSeconds(30));
            assertThat(pull(agent, blob)).isEqualTo(blob.digest());
            String metrics = get(agent.url() + "/q/metrics");
            assertThat(counter(metrics, "rackswarm_agent_pieces_failed_total", null, null))
                    .as("pieces the bad peer sent were caught\n%s", agent.log())
                    .isGreaterThan(0);
            Path cached = dir.resolve("world/node-c1/blobs/sha256").resolve(digest.hex());
            assertThat(OciLayout.sha256(Files.readAllBytes(cached))).isEqualTo(digest.hex());
        } finally {
            bad.destroyForcibly();
        }
    }

    @Test
    @Order(3)
    void givenAnAgentKilledMidBlob_whenRestarted_thenItResumesAndVerifies() throws Exception {
        // Slow enough that the kill lands mid-blob even when the metrics lag a loaded machine.
        Map<String, String> slow = Map.of("RACKSWARM_AGENT_DOWNLOAD_BYTES_PER_SECOND", "500000",
                "RACKSWARM_AGENT_P2P_STALL_TIMEOUT", "30s");
        ServiceProcess first = world.agent("node-d1", "d", slow);
        CompletableFuture<String> cut = CompletableFuture.supplyAsync(() -> {
            try {
                return pull(first, big());
            } catch (Exception e) {
                return "cut: " + e.getMessage();
            }
        });
        // Pieces arrive out of order too; what counts for the restart is every verified piece
        // on disk, so wait for bytes received rather than the file's contiguous prefix.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long done = 0;
        while (done < 3_000_000 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            done = fetched(get(first.url() + "/q/metrics"));
        }
        assertThat(done).as("the download got going").isGreaterThanOrEqualTo(3_000_000);
        first.kill();
        assertThat(cut.get()).as("a killed agent never completes a response")
                .isNotEqualTo(big().digest());

        try (ServiceProcess again = world.agent("node-d1", "d", Map.of())) {
            assertThat(pull(again, big())).isEqualTo(big().digest());
            assertThat(fetched(get(again.url() + "/q/metrics")))
                    .as("after the restart only the rest was fetched\n%s", again.log())
                    .isLessThan(big().size() - 2_000_000);
        }
        // Restarted with the whole blob cached, the agent seeds it before anything else has
        // started libtorrent: it must still come up (the native library was once loaded too
        // late on that path) and serve the blob from its cache.
        try (ServiceProcess full = world.agent("node-d1", "d", Map.of())) {
            assertThat(pull(full, big())).as(full.log()).isEqualTo(big().digest());
            assertThat(fetched(get(full.url() + "/q/metrics"))).isZero();
        }
    }

    @Test
    @Order(4)
    void givenRedisLosesEverythingMidPull_thenThePullCompletesAndTheSwarmComesBack()
            throws Exception {
        String infoHash = torrentOf(big()).metainfo().infoHash().hex();
        try (ServiceProcess agent = world.agent("node-g1", "g", Map.of())) {
            CompletableFuture<String> pulled = CompletableFuture.supplyAsync(() -> {
                try {
                    return pull(agent, big());
                } catch (Exception e) {
                    return "failed: " + e;
                }
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (fetched(get(agent.url() + "/q/metrics")) < 2_000_000
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            // As a Redis restarted without persistence, or a failover to an empty replica.
            world.tracker.redis().command("FLUSHALL");
            assertThat(pulled.get(90, java.util.concurrent.TimeUnit.SECONDS))
                    .as(agent.log()).isEqualTo(big().digest());
            String metrics = get(agent.url() + "/q/metrics");
            assertThat(counter(metrics, "rackswarm_agent_fallbacks_total", "reason",
                    "p2p_stall")).as("connected peers need no tracker").isZero();
            // Nobody acts: the seeder registers the blob again when the tracker says it does
            // not know it, and both it and the agent announce themselves back into the swarm.
            // (At least two: an agent of an earlier test may still be shutting down.)
            Pattern seeders = Pattern.compile("\"seeders\":(\\d+)");
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String info = world.tracker.torrentInfo(infoHash);
            while (System.nanoTime() < until) {
                Matcher m = seeders.matcher(info);
                if (m.find() && Integer.parseInt(m.group(1)) >= 2) {
                    break;
                }
                Thread.sleep(250);
                info = world.tracker.torrentInfo(infoHash);
            }
            assertThat(info).contains(big().digest()).containsPattern("\"seeders\":[2-9]");
        }
    }

    @Test
    @Order(5)
    void givenTheTrackerStopped_whenAnAgentPulls_thenTheSeederServesItOverHttp()
            throws Exception {
        world.tracker.close();
        try (ServiceProcess agent = world.agent("node-e1", "e", Map.of())) {
            assertThat(pull(agent, mid())).as(agent.log()).isEqualTo(mid().digest());
            String metrics = get(agent.url() + "/q/metrics");
            assertThat(counter(metrics, "rackswarm_agent_fallbacks_total", "reason",
                    "p2p_stall")).isGreaterThanOrEqualTo(1);
            assertThat(counter(metrics, "rackswarm_agent_fetched_bytes_total", "source",
                    "seeder_http")).isGreaterThan(0);
        }
    }

    @Test
    @Order(6)
    void givenSeedPolicies_thenNeverSeedsAndForDurationStopsSeedingAfterIt() throws Exception {
        try (ServiceProcess never = world.agent("node-f1", "f", Map.of(
                "RACKSWARM_AGENT_SEED_POLICY", "never"));
                ServiceProcess brief = world.agent("node-f2", "f", Map.of(
                        "RACKSWARM_AGENT_SEED_POLICY", "for-duration",
                        "RACKSWARM_AGENT_SEED_DURATION", "3s"))) {
            assertThat(pull(never, mid())).isEqualTo(mid().digest());
            assertThat(seeding(never)).isZero();
            assertThat(pull(brief, mid())).isEqualTo(mid().digest());
            assertThat(seeding(brief)).isEqualTo(1);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (seeding(brief) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(seeding(brief)).isZero();
        }
    }

    /** The blob's torrent, as the seeder describes it to agents. */
    private static TorrentFile torrentOf(OciLayout.Blob blob) throws Exception {
        byte[] torrent = HTTP.send(HttpRequest.newBuilder(URI.create(world.seeder.url()
                        + "/api/v1/metainfo/" + blob.digest() + "?repository=team/app&ns="
                        + world.ns())).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        return TorrentFile.parse(torrent, Digest.parse(blob.digest()));
    }

    /** Blob bytes the agent received, from every source. */
    private static long fetched(String metrics) {
        long sum = 0;
        for (String s : new String[] {"peer_rack", "peer_remote", "seeder_p2p", "seeder_http"}) {
            sum += counter(metrics, "rackswarm_agent_fetched_bytes_total", "source", s);
        }
        return sum;
    }

    private static int seeding(ServiceProcess agent) throws Exception {
        Matcher m = Pattern.compile("\"seeding\":(\\d+)").matcher(get(agent.url()
                + "/api/v1/status"));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String pull(ServiceProcess agent, OciLayout.Blob blob) throws Exception {
        return AgentHttp.pull(world, agent, blob);
    }
}
