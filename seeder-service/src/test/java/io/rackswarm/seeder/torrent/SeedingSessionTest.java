package io.rackswarm.seeder.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.testsupport.RedisServer;
import io.rackswarm.testsupport.TrackerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libtorrent seeding sessions serve a blob through the real tracker to a real client (aria2c).
 * Two sessions seeding the same bytes are two replicas: they derive one info-hash and the
 * tracker counts both as seeds of one swarm.
 */
class SeedingSessionTest {

    @TempDir
    static Path dir;

    static TrackerProcess tracker;

    private static final int PEER_TTL_SECONDS = 6;

    @BeforeAll
    static void startTracker() throws Exception {
        // A short peer lifetime, so that a test can wait it out: a seeder must re-announce at
        // the tracker's interval to stay in its swarm.
        tracker = TrackerProcess.start(dir, Map.of(
                "RACKSWARM_TRACKER_ANNOUNCE_INTERVAL", "2s",
                "RACKSWARM_TRACKER_MIN_INTERVAL", "1s",
                "RACKSWARM_TRACKER_PEER_TTL", PEER_TTL_SECONDS + "s"));
    }

    @AfterAll
    static void stopTracker() {
        if (tracker != null) {
            tracker.close();
        }
    }

    private static Path blob(Path in, byte[] bytes, String hex) throws Exception {
        Files.createDirectories(in);
        return Files.write(in.resolve(hex), bytes);
    }

    @Test
    void givenTwoReplicasSeedingABlob_whenAria2Downloads_thenOneSwarmAndBytesMatchTheDigest()
            throws Exception {
        byte[] bytes = new byte[5 * 1024 * 1024 + 777];
        new Random(7).nextBytes(bytes);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Digest digest = new Digest("sha256", hex);
        Path dirA = dir.resolve("replica-0");
        Path dirB = dir.resolve("replica-1");
        Metainfo a = Metainfo.of(blob(dirA, bytes, hex), digest);
        Metainfo b = Metainfo.of(blob(dirB, bytes, hex), digest);
        assertThat(a.infoHash()).isEqualTo(b.infoHash());
        assertThat(tracker.register(a.infoHash().hex(), digest.toString(), bytes.length))
                .isEqualTo(201);

        try (SeedingSession s0 = SeedingSession.start("127.0.0.1", RedisServer.freePort());
                SeedingSession s1 = SeedingSession.start("127.0.0.1", RedisServer.freePort())) {
            s0.seed(a, dirA, tracker.announceUrl("origin/seeder-0", null, null));
            s1.seed(b, dirB, tracker.announceUrl("origin/seeder-1", null, null));
            assertThat(s0.torrentsSeeded()).isEqualTo(1);
            awaitSeeders(a.infoHash().hex(), 2);

            Path leechDir = download(a, "leech");
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(leechDir.resolve(hex))))).isEqualTo(hex);
            assertThat(s0.uploadedBytes() + s1.uploadedBytes())
                    .isGreaterThanOrEqualTo(bytes.length);
        }
    }

    /** Downloads with aria2c through the tracker; returns the download directory. */
    private static Path download(Metainfo m, String name) throws Exception {
        Path leechDir = Files.createDirectories(dir.resolve(name));
        Path torrent = Files.write(dir.resolve(name + ".torrent"),
                m.torrentFile(tracker.announceUrl("node-" + name, "z1", "r1")));
        Path log = dir.resolve(name + ".log");
        Process leecher = new ProcessBuilder(List.of("aria2c", "--dir=" + leechDir,
                "--listen-port=" + RedisServer.freePort(), "--enable-dht=false",
                "--enable-dht6=false", "--bt-enable-lpd=false", "--enable-peer-exchange=false",
                "--seed-time=0", "--bt-tracker-interval=1", "--file-allocation=none",
                "--console-log-level=notice", torrent.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = leecher.waitFor(90, TimeUnit.SECONDS);
        if (!done) {
            leecher.destroyForcibly();
        }
        assertThat(done && leecher.exitValue() == 0).as("aria2c log:\n%s",
                Files.readString(log)).isTrue();
        return leechDir;
    }

    @Test
    void givenASeededBlob_whenADownloaderStartsAfterThePeerLifetime_thenTheSeederIsStillThere()
            throws Exception {
        byte[] bytes = new byte[2 * 1024 * 1024 + 5];
        new Random(9).nextBytes(bytes);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Digest digest = new Digest("sha256", hex);
        Path seedDir = dir.resolve("late");
        Metainfo m = Metainfo.of(blob(seedDir, bytes, hex), digest);
        tracker.register(m.infoHash().hex(), digest.toString(), bytes.length);
        try (SeedingSession s = SeedingSession.start("127.0.0.1", RedisServer.freePort())) {
            s.seed(m, seedDir, tracker.announceUrl("origin/late", null, null));
            awaitSeeders(m.infoHash().hex(), 1);

            // libtorrent re-announces only every 300 s unless told otherwise; by then the
            // tracker has long forgotten the seeder.
            Thread.sleep(TimeUnit.SECONDS.toMillis(2L * PEER_TTL_SECONDS));

            assertThat(tracker.torrentInfo(m.infoHash().hex())).contains("\"seeders\":1");
            Path leechDir = download(m, "late-leech");
            assertThat(Files.readAllBytes(leechDir.resolve(hex))).isEqualTo(bytes);
        }
    }

    @Test
    void givenUploadLimit_whenALoopbackPeerDownloads_thenTheLimitHolds() throws Exception {
        byte[] bytes = new byte[3 * 1024 * 1024];
        new Random(8).nextBytes(bytes);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Digest digest = new Digest("sha256", hex);
        Path seedDir = dir.resolve("limited");
        Metainfo m = Metainfo.of(blob(seedDir, bytes, hex), digest);
        tracker.register(m.infoHash().hex(), digest.toString(), bytes.length);
        int limit = 1024 * 1024;
        try (SeedingSession s = SeedingSession.start("127.0.0.1", RedisServer.freePort(), limit)) {
            s.seed(m, seedDir, tracker.announceUrl("origin/limited", null, null));
            awaitSeeders(m.infoHash().hex(), 1);
            // Time from the first uploaded byte to 90 % of the blob, as the seeder sees it, so
            // that client start-up and tracker round trips do not count.
            long[] firstAndNinety = new long[2];
            Thread watch = new Thread(() -> {
                while (firstAndNinety[1] == 0 && !Thread.currentThread().isInterrupted()) {
                    long up = s.uploadedBytes();
                    if (up > 0 && firstAndNinety[0] == 0) {
                        firstAndNinety[0] = System.nanoTime();
                    }
                    if (up >= bytes.length * 9L / 10) {
                        firstAndNinety[1] = System.nanoTime();
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            watch.start();
            download(m, "limited-leech");
            watch.join(5000);
            double seconds = (firstAndNinety[1] - firstAndNinety[0]) / 1e9;
            // 2.7 MiB at 1 MiB/s: about 2.7 s. Without the peer class filter, loopback peers
            // ignore the cap and the same bytes go in a few hundredths of a second.
            assertThat(seconds).isGreaterThan(1.5);
        }
    }

    @Test
    void givenManyBlobs_whenSeededByOneSession_thenEveryOneIsAnnouncedAsSeeded() throws Exception {
        Path many = dir.resolve("many");
        List<Metainfo> torrents = new java.util.ArrayList<>();
        for (int i = 0; i < 24; i++) {
            byte[] bytes = new byte[20_000 + i];
            new Random(100 + i).nextBytes(bytes);
            String hex = HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(bytes));
            Metainfo m = Metainfo.of(blob(many, bytes, hex), new Digest("sha256", hex));
            tracker.register(m.infoHash().hex(), m.digest().toString(), bytes.length);
            torrents.add(m);
        }
        try (SeedingSession s = SeedingSession.start("127.0.0.1", RedisServer.freePort())) {
            for (Metainfo m : torrents) {
                s.seed(m, many, tracker.announceUrl("origin/many", null, null));
            }
            assertThat(s.torrentsSeeded()).isEqualTo(24);
            // libtorrent queues auto-managed torrents beyond its active limits (5 seeds by
            // default): every one of them must still reach the tracker.
            for (Metainfo m : torrents) {
                awaitSeeders(m.infoHash().hex(), 1);
            }
        }
    }

    private static void awaitSeeders(String infoHash, int seeders) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String info = "";
        while (System.nanoTime() < deadline) {
            info = tracker.torrentInfo(infoHash);
            if (info.contains("\"seeders\":" + seeders)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("tracker never saw " + seeders + " seeders: " + info);
    }
}
