package io.rackswarm.core.metainfo;

import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.bencode.BInteger;
import io.rackswarm.core.bencode.BString;
import io.rackswarm.core.bencode.BValue;
import io.rackswarm.core.bencode.Bencode;
import io.rackswarm.core.bencode.BencodeException;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.torrent.InfoHash;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A blob's torrent as a seeder publishes it, checked before a downloader trusts it: canonical
 * bencode, an info dictionary that names the expected digest and holds a consistent length,
 * piece length and piece count, and the tracker's announce URL.
 *
 * @param metainfo the blob's deterministic metainfo
 * @param announce the tracker's announce URL, to which a node adds its own token
 */
public record TorrentFile(Metainfo metainfo, String announce) {

    /**
     * @throws IllegalArgumentException the bytes are not a torrent of {@code expected}
     */
    public static TorrentFile parse(byte[] torrent, Digest expected) {
        BValue root;
        try {
            root = Bencode.decode(torrent);
        } catch (BencodeException e) {
            throw new IllegalArgumentException("torrent of " + expected + " is not bencode: "
                    + e.getMessage(), e);
        }
        if (!(root instanceof BDict dict)) {
            throw new IllegalArgumentException("torrent of " + expected + " is not a dictionary");
        }
        String announce = dict.get("announce").filter(BString.class::isInstance)
                .map(v -> ((BString) v).utf8())
                .filter(u -> u.startsWith("http://") || u.startsWith("https://"))
                .orElseThrow(() -> new IllegalArgumentException("torrent of " + expected
                        + " has no http(s) announce URL"));
        BDict info = dict.get("info").filter(BDict.class::isInstance).map(BDict.class::cast)
                .orElseThrow(() -> new IllegalArgumentException("torrent of " + expected
                        + " has no info dictionary"));
        String name = info.get("name").filter(BString.class::isInstance)
                .map(v -> ((BString) v).utf8()).orElse("");
        if (!name.equals(expected.hex())) {
            throw new IllegalArgumentException("torrent names " + name + ", not " + expected);
        }
        long length = number(info, "length", expected);
        long pieceLength = number(info, "piece length", expected);
        if (length <= 0 || pieceLength != PieceLength.forSize(length)) {
            throw new IllegalArgumentException("torrent of " + expected + " has length "
                    + length + " and piece length " + pieceLength
                    + ", which the size table does not give");
        }
        byte[] pieces = info.get("pieces").filter(BString.class::isInstance)
                .map(v -> ((BString) v).bytes()).orElse(new byte[0]);
        long count = (length + pieceLength - 1) / pieceLength;
        if (pieces.length != count * 20) {
            throw new IllegalArgumentException("torrent of " + expected + " holds "
                    + pieces.length / 20 + " piece hashes for " + count + " pieces");
        }
        if (number(info, "private", expected) != 1) {
            throw new IllegalArgumentException("torrent of " + expected + " is not private");
        }
        try {
            InfoHash ih = InfoHash.of(MessageDigest.getInstance("SHA-1").digest(info.encode()));
            return new TorrentFile(new Metainfo(expected, info, ih), announce);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java runtime", e);
        }
    }

    private static long number(BDict info, String key, Digest expected) {
        return info.get(key).filter(BInteger.class::isInstance)
                .map(v -> ((BInteger) v).value()).orElseThrow(() -> new IllegalArgumentException(
                        "torrent of " + expected + " has no " + key));
    }
}
