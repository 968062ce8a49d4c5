package io.rackswarm.core.metainfo;

/**
 * The fixed table that maps a blob's size to its piece length. It is part of the deterministic
 * metainfo contract (ARCHITECTURE.md, decision 1): changing it changes every info-hash.
 * Pieces stay between 256 KiB and 16 MiB, so a blob has at most a few thousand of them.
 */
public final class PieceLength {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    private PieceLength() {
    }

    public static int forSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        if (size <= 64 * MIB) {
            return (int) (256 * KIB);
        }
        if (size <= 256 * MIB) {
            return (int) MIB;
        }
        if (size <= 1024 * MIB) {
            return (int) (4 * MIB);
        }
        if (size <= 4096 * MIB) {
            return (int) (8 * MIB);
        }
        return (int) (16 * MIB);
    }
}
