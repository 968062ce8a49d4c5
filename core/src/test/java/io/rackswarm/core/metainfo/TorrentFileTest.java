package io.rackswarm.core.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorrentFileTest {

    @TempDir
    Path dir;

    private Metainfo blob(int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        return Metainfo.of(Files.write(dir.resolve(hex), bytes), new Digest("sha256", hex));
    }

    @Test
    void givenASeedersTorrent_whenParsed_thenTheSameInfoHashAndTheAnnounceUrl() throws Exception {
        Metainfo m = blob(700_000);
        TorrentFile t = TorrentFile.parse(m.torrentFile("http://tracker:7070/announce"),
                m.digest());
        assertThat(t.metainfo().infoHash()).isEqualTo(m.infoHash());
        assertThat(t.metainfo().length()).isEqualTo(700_000);
        assertThat(t.announce()).isEqualTo("http://tracker:7070/announce");
    }

    @Test
    void givenATorrentOfAnotherBlob_thenRefused() throws Exception {
        Metainfo m = blob(1000);
        Metainfo other = blob(2000);
        assertThatThrownBy(() -> TorrentFile.parse(m.torrentFile("http://t/announce"),
                other.digest())).hasMessageContaining("names");
    }

    @Test
    void givenTamperedOrForeignTorrents_thenRefused() throws Exception {
        Metainfo m = blob(1000);
        byte[] good = m.torrentFile("http://t/announce");
        assertThatThrownBy(() -> TorrentFile.parse("not bencode".getBytes(StandardCharsets.UTF_8),
                m.digest())).hasMessageContaining("bencode");
        assertThatThrownBy(() -> TorrentFile.parse(m.torrentFile("udp://t:1"), m.digest()))
                .hasMessageContaining("announce");
        BDict wrongLength = BDict.builder().putAll(m.info().entries()).put("length", 300_000)
                .build();
        byte[] bad = BDict.builder().put("announce", "http://t/announce")
                .put("info", wrongLength).build().encode();
        assertThatThrownBy(() -> TorrentFile.parse(bad, m.digest()))
                .hasMessageContaining("piece hashes");
        assertThat(TorrentFile.parse(good, m.digest()).metainfo().infoHash())
                .isEqualTo(m.infoHash());
    }
}
