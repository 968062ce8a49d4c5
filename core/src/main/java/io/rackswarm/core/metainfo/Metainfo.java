package io.rackswarm.core.metainfo;

import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.bencode.BInteger;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.torrent.InfoHash;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The deterministic torrent of a blob (ARCHITECTURE.md, decision 1): a pure function of the
 * blob's bytes. The info dictionary holds only {@code length}, {@code name} (the digest's hex),
 * {@code piece length} (from {@link PieceLength}), {@code pieces} and {@code private=1}; no
 * trackers, dates or comments, so every replica that holds the blob derives the same info-hash.
 */
public record Metainfo(Digest digest, BDict info, InfoHash infoHash) {

    /**
     * Hashes the blob file once, computing its pieces and checking its OCI digest together.
     *
     * @throws IllegalArgumentException when the bytes do not match {@code expected}
     */
    public static Metainfo of(Path file, Digest expected) throws IOException {
        return build(file, expected, true);
    }

    /**
     * For a blob whose digest was verified as it was stored (the cache does so): skips the
     * SHA-256 pass and computes the pieces only.
     */
    public static Metainfo ofVerified(Path file, Digest digest) throws IOException {
        return build(file, digest, false);
    }

    private static Metainfo build(Path file, Digest expected, boolean verify) throws IOException {
        if (!expected.algorithm().equals("sha256")) {
            throw new IllegalArgumentException("only sha256 blobs are distributed: " + expected);
        }
        long size = Files.size(file);
        MessageDigest whole = sha("SHA-256");
        PieceHasher pieces = new PieceHasher(size);
        byte[] buffer = new byte[1 << 20];
        long length = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (length + n > size) {
                    throw new IOException(file + " changed while it was hashed");
                }
                if (verify) {
                    whole.update(buffer, 0, n);
                }
                pieces.update(buffer, 0, n);
                length += n;
            }
        }
        if (length != size) {
            throw new IOException(file + " changed while it was hashed");
        }
        String hex = verify ? HexFormat.of().formatHex(whole.digest()) : expected.hex();
        if (!hex.equals(expected.hex())) {
            throw new IllegalArgumentException("blob hashes to sha256:" + hex + ", not " + expected);
        }
        return pieces.finish(expected);
    }

    /** A complete .torrent file: this info dictionary and an announce URL outside it. */
    public byte[] torrentFile(String announceUrl) {
        return BDict.builder().put("announce", announceUrl).put("info", info).build().encode();
    }

    public long length() {
        return ((BInteger) info.get("length").orElseThrow()).value();
    }

    private static MessageDigest sha(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by every Java runtime", e);
        }
    }
}
