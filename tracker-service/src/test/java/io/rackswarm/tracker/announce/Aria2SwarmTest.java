package io.rackswarm.tracker.announce;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.testsupport.RedisServer;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.Registrations;
import io.rackswarm.tracker.testing.TrackerClient;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real BitTorrent clients (Debian's aria2c) exchange a blob through the tracker on
 * loopback: the torrent is private, the token rides in the announce URL, the info-hash is
 * registered first. The downloaded bytes must hash to the blob's digest.
 */
@QuarkusTest
@WithTestResource(RedisServerResource.class)
class Aria2SwarmTest {

    @TestHTTPResource("/")
    URL base;

    @TempDir
    Path dir;

    private static List<String> aria2(Path downloadDir, int listenPort, Path torrent,
            String... extra) {
        List<String> cmd = new ArrayList<>(List.of("aria2c",
                "--dir=" + downloadDir, "--listen-port=" + listenPort,
                "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                "--enable-peer-exchange=false", "--follow-torrent=false",
                "--bt-tracker-interval=1", "--summary-interval=1", "--console-log-level=notice",
                "--file-allocation=none", "--auto-file-renaming=false"));
        cmd.addAll(List.of(extra));
        cmd.add(torrent.toString());
        return cmd;
    }

    @Test
    void givenSeedingAria2_whenAnotherAria2Downloads_thenBytesMatchTheDigest() throws Exception {
        Path seedDir = Files.createDirectories(dir.resolve("seed"));
        Path leechDir = Files.createDirectories(dir.resolve("leech"));
        byte[] bytes = new byte[3 * 1024 * 1024 + 12345];
        new Random(42).nextBytes(bytes);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Digest digest = new Digest("sha256", hex);
        Path blob = Files.write(seedDir.resolve(hex), bytes);

        Metainfo metainfo = Metainfo.of(blob, digest);
        Registrations.register(metainfo.infoHash(), digest.toString(), bytes.length);
        String announce = "http://127.0.0.1:" + base.getPort() + "/announce?token="
                + TrackerClient.token("aria2-node") + "&zone=z1&rack=r1";
        Path torrent = Files.write(dir.resolve("blob.torrent"), metainfo.torrentFile(announce));

        int seedPort = RedisServer.freePort();
        int leechPort = RedisServer.freePort();
        Process seeder = new ProcessBuilder(aria2(seedDir, seedPort, torrent,
                "--check-integrity=true", "--seed-ratio=0.0"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("seeder.log").toFile())
                .start();
        try {
            Process leecher = new ProcessBuilder(aria2(leechDir, leechPort, torrent,
                    "--seed-time=0", "--bt-stop-timeout=60"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("leecher.log").toFile())
                    .start();
            boolean finished = leecher.waitFor(90, TimeUnit.SECONDS);
            if (!finished) {
                leecher.destroyForcibly();
            }
            assertThat(finished).as("leecher finished; log:\n%s",
                    Files.readString(dir.resolve("leecher.log"))).isTrue();
            assertThat(leecher.exitValue()).as("aria2c exit code; log:\n%s",
                    Files.readString(dir.resolve("leecher.log"))).isZero();
        } finally {
            seeder.destroy();
            if (!seeder.waitFor(10, TimeUnit.SECONDS)) {
                seeder.destroyForcibly();
            }
        }
        File downloaded = leechDir.resolve(hex).toFile();
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(downloaded.toPath())))).isEqualTo(hex);

        int completed = given().header("Authorization", Registrations.admin())
                .get("/api/v1/torrents/" + metainfo.infoHash().hex())
                .then().statusCode(200).extract().path("downloaded");
        assertThat(completed).isEqualTo(1);
    }
}
