package io.rackswarm.core.bencode;

/**
 * Bounds that keep decoding of hostile input cheap: the longest input accepted and the deepest
 * nesting of lists and dictionaries.
 */
public record BencodeLimits(int maxInputBytes, int maxDepth) {

    /** Generous enough for metainfo of multi-gigabyte blobs, small enough to refuse abuse. */
    public static final BencodeLimits DEFAULT = new BencodeLimits(16 * 1024 * 1024, 64);

    public BencodeLimits {
        if (maxInputBytes < 1) {
            throw new IllegalArgumentException("maxInputBytes must be positive: " + maxInputBytes);
        }
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be positive: " + maxDepth);
        }
    }
}
