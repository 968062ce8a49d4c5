package io.rackswarm.core.torrent;

import java.util.Arrays;
import java.util.HexFormat;

/** A BitTorrent peer id (BEP 3): exactly 20 arbitrary bytes chosen by the client. */
public final class PeerId {

    public static final int LENGTH = 20;

    private final byte[] bytes;

    private PeerId(byte[] bytes) {
        this.bytes = bytes;
    }

    public static PeerId of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("peer_id must be " + LENGTH + " bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
        return new PeerId(bytes.clone());
    }

    public static PeerId ofHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId p && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
