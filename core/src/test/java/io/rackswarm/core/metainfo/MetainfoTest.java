package io.rackswarm.core.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.bencode.BString;
import io.rackswarm.core.bencode.Bencode;
import io.rackswarm.core.oci.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetainfoTest {

    @TempDir
    Path dir;

    private Path blob(String name, int size, long seed) throws Exception {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    private static Digest digestOf(Path p) throws Exception {
        return new Digest("sha256", HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
    }

    @Test
    void givenSameBytesInTwoPlaces_thenTheInfoHashIsTheSame() throws Exception {
        Path a = blob("a", 700_000, 1);
        Path b = Files.copy(a, dir.resolve("b"));
        assertThat(Metainfo.of(a, digestOf(a)).infoHash())
                .isEqualTo(Metainfo.of(b, digestOf(b)).infoHash());
        Path c = blob("c", 700_000, 2);
        assertThat(Metainfo.of(c, digestOf(c)).infoHash())
                .isNotEqualTo(Metainfo.of(a, digestOf(a)).infoHash());
    }

    @Test
    void givenBlob_thenInfoDictHoldsOnlyTheContractKeys() throws Exception {
        Path a = blob("a", 600_000, 3);
        Metainfo m = Metainfo.of(a, digestOf(a));
        assertThat(m.info().entries().keySet()).extracting(BString::utf8)
                .containsExactly("length", "name", "piece length", "pieces", "private");
        assertThat(m.length()).isEqualTo(600_000);
        // 600,000 bytes in 256 KiB pieces: 3 pieces of 20 bytes.
        assertThat(((BString) m.info().get("pieces").orElseThrow()).length()).isEqualTo(60);
        BDict torrent = (BDict) Bencode.decode(m.torrentFile("http://t/announce"));
        assertThat(torrent.get("info")).contains(m.info());
    }

    @Test
    void givenBytesThatDoNotMatchTheDigest_thenRefused() throws Exception {
        Path a = blob("a", 1000, 4);
        Digest wrong = new Digest("sha256", "0".repeat(64));
        assertThatThrownBy(() -> Metainfo.of(a, wrong))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hashes to");
    }

    @Test
    void givenVerifiedBlob_thenSkippingTheDigestPassYieldsTheSameTorrent() throws Exception {
        Path a = blob("a", 900_000, 5);
        assertThat(Metainfo.ofVerified(a, digestOf(a))).isEqualTo(Metainfo.of(a, digestOf(a)));
    }

    @Test
    void givenSizes_thenPieceLengthFollowsTheFixedTable() {
        assertThat(PieceLength.forSize(0)).isEqualTo(256 * 1024);
        assertThat(PieceLength.forSize(64L << 20)).isEqualTo(256 * 1024);
        assertThat(PieceLength.forSize((64L << 20) + 1)).isEqualTo(1 << 20);
        assertThat(PieceLength.forSize(1L << 30)).isEqualTo(4 << 20);
        assertThat(PieceLength.forSize(2L << 30)).isEqualTo(8 << 20);
        assertThat(PieceLength.forSize(10L << 30)).isEqualTo(16 << 20);
    }
}
