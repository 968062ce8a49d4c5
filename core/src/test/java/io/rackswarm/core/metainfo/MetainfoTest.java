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
    void givenBytesFedAsTheyArrive_thenThePieceHasherBuildsTheSameTorrentAsTheFile()
            throws Exception {
        // Lengths around piece boundaries (the smallest piece is 256 KiB), fed in odd chunks.
        for (int size : new int[] {0, 1, 262_143, 262_144, 262_145, 3 * 262_144 + 17}) {
            Path p = blob("fed-" + size, size, size);
            byte[] b = Files.readAllBytes(p);
            Digest d = digestOf(p);
            PieceHasher hasher = new PieceHasher(size);
            Random chunks = new Random(size);
            for (int at = 0; at < size; ) {
                int n = Math.min(size - at, 1 + chunks.nextInt(100_000));
                hasher.update(b, at, n);
                at += n;
            }
            Metainfo fed = hasher.finish(d);
            assertThat(fed.infoHash()).as("size " + size)
                    .isEqualTo(Metainfo.ofVerified(p, d).infoHash());
            assertThat(fed.info()).isEqualTo(Metainfo.of(p, d).info());
        }
    }

    @Test
    void givenTooFewOrTooManyBytes_thenThePieceHasherRefuses() {
        PieceHasher short1 = new PieceHasher(10);
        short1.update(new byte[9], 0, 9);
        Digest d = new Digest("sha256", "0".repeat(64));
        assertThatThrownBy(() -> short1.finish(d)).hasMessageContaining("hashed 9 of 10 bytes");
        PieceHasher long1 = new PieceHasher(10);
        assertThatThrownBy(() -> long1.update(new byte[11], 0, 11))
                .hasMessageContaining("more than the 10 bytes");
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
