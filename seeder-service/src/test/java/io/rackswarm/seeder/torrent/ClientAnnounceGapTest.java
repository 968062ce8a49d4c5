package io.rackswarm.seeder.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.bencode.BString;
import io.rackswarm.core.bencode.BValue;
import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.torrent.PeerFingerprint;
import io.rackswarm.testsupport.RedisServer;
import io.rackswarm.testsupport.TrackerProcess;
import io.rackswarm.torrent.DatacenterSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libtorrent4j.SessionManager;
import org.libtorrent4j.TorrentFlags;
import org.libtorrent4j.TorrentInfo;

/**
 * A libtorrent client that announces less often than the tracker asks (libtorrent waits its
 * {@code min_announce_interval} whatever {@code interval} says: 300 s by default, 6 s here) stays
 * in its swarm: the tracker derives the peer lifetime from the longest gap clients leave
 * ({@code client-announce-gap}, 6 s here) rather than from its own interval (1 s here).
 */
class ClientAnnounceGapTest {

    private static final int CLIENT_GAP_SECONDS = 6;

    @TempDir
    Path dir;

    @Test
    void givenAClientAnnouncingOnlyEveryGap_thenItNeverLeavesItsSwarm() throws Exception {
        byte[] bytes = new byte[1024 * 1024 + 3];
        new Random(11).nextBytes(bytes);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Path seedDir = Files.createDirectories(dir.resolve("seed"));
        Files.write(seedDir.resolve(hex), bytes);
        Metainfo m = Metainfo.of(seedDir.resolve(hex), new Digest("sha256", hex));
        try (TrackerProcess tracker = TrackerProcess.start(dir, Map.of(
                "RACKSWARM_TRACKER_ANNOUNCE_INTERVAL", "1s",
                "RACKSWARM_TRACKER_MIN_INTERVAL", "1s",
                "RACKSWARM_TRACKER_CLIENT_ANNOUNCE_GAP", CLIENT_GAP_SECONDS + "s"))) {
            tracker.register(m.infoHash().hex(), "sha256:" + hex, bytes.length);
            SessionManager client = DatacenterSession.start(new DatacenterSession.Settings(
                    "127.0.0.1", RedisServer.freePort(), 0, 0, PeerFingerprint.SEEDER,
                    CLIENT_GAP_SECONDS));
            try {
                client.download(new TorrentInfo(m.torrentFile(
                        tracker.announceUrl("origin/gap", null, null))), seedDir.toFile(), null,
                        null, null, TorrentFlags.SEED_MODE);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (seedersHandedOut(tracker, m) < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                // Three of the client's gaps, asking as a downloader every half second: the
                // client is always handed out.
                List<Integer> seen = new ArrayList<>();
                for (int i = 0; i < CLIENT_GAP_SECONDS * 3 * 2; i++) {
                    seen.add(seedersHandedOut(tracker, m));
                    Thread.sleep(500);
                }
                assertThat(seen).as("seeders a downloader was told of, every 0.5 s")
                        .containsOnly(1);
            } finally {
                client.stop();
            }
        }
    }

    /** Seeders a downloader announcing now is told of (compact peers, 6 bytes each). */
    private static int seedersHandedOut(TrackerProcess tracker, Metainfo m) throws Exception {
        BDict answer = tracker.announceAsLeecher(m.infoHash().hex(), "node-late", 40000, 1);
        BValue peers = answer.get("peers").orElseThrow(() -> new AssertionError(
                "no peers in " + answer));
        return ((BString) peers).bytes().length / 6;
    }
}
