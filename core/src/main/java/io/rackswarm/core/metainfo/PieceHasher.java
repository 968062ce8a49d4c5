package io.rackswarm.core.metainfo;

import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.torrent.InfoHash;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Builds a blob's torrent from its bytes as they pass, in order: the SHA-1 of every piece, as
 * {@link PieceLength} cuts a blob of this length. The seeder feeds it while a blob downloads, so
 * the torrent is ready when the download is, without reading the file again.
 */
public final class PieceHasher {

    private final long length;
    private final int pieceLength;
    private final MessageDigest piece = sha1();
    private final ByteArrayOutputStream pieces = new ByteArrayOutputStream();
    private long inPiece;
    private long seen;

    /** @param length the blob's length in bytes */
    public PieceHasher(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("a blob's length cannot be negative: " + length);
        }
        this.length = length;
        this.pieceLength = PieceLength.forSize(length);
    }

    /** The next bytes of the blob. */
    public void update(byte[] b, int off, int len) {
        seen += len;
        if (seen > length) {
            throw new IllegalStateException("more than the " + length + " bytes announced");
        }
        int at = off;
        int end = off + len;
        while (at < end) {
            int take = (int) Math.min(end - at, pieceLength - inPiece);
            piece.update(b, at, take);
            inPiece += take;
            at += take;
            if (inPiece == pieceLength) {
                pieces.writeBytes(piece.digest());
                inPiece = 0;
            }
        }
    }

    /**
     * The torrent of the blob, once every byte went through {@link #update}.
     *
     * @param digest the blob's digest, which the caller verified over the same bytes
     * @throws IllegalStateException when fewer bytes than the length went through
     */
    public Metainfo finish(Digest digest) {
        if (seen != length) {
            throw new IllegalStateException("hashed " + seen + " of " + length + " bytes");
        }
        if (inPiece > 0) {
            pieces.writeBytes(piece.digest());
            inPiece = 0;
        }
        BDict info = BDict.builder()
                .put("length", length)
                .put("name", digest.hex())
                .put("piece length", pieceLength)
                .put("pieces", pieces.toByteArray())
                .put("private", 1)
                .build();
        return new Metainfo(digest, info, InfoHash.of(sha1().digest(info.encode())));
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    }
}
