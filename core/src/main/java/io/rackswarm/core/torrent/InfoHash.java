package io.rackswarm.core.torrent;

import java.util.Arrays;
import java.util.HexFormat;

/** The SHA-1 of a torrent's bencoded info dictionary (BEP 3): exactly 20 bytes. */
public final class InfoHash {

    public static final int LENGTH = 20;

    private final byte[] bytes;
    private final String hex;

    private InfoHash(byte[] bytes) {
        this.bytes = bytes;
        this.hex = HexFormat.of().formatHex(bytes);
    }

    public static InfoHash of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("info_hash must be " + LENGTH + " bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
        return new InfoHash(bytes.clone());
    }

    /** Parses 40 hexadecimal characters, either case. */
    public static InfoHash ofHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("info-hash must be 40 hex characters");
        }
        try {
            return new InfoHash(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("info-hash must be 40 hex characters");
        }
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** Lower-case hex, the form used in Redis keys and URLs. */
    public String hex() {
        return hex;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InfoHash h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex;
    }
}
