package io.rackswarm.core.bencode;

/** A bencoded integer, {@code i<n>e}. */
public record BInteger(long value) implements BValue {

    public static BInteger of(long value) {
        return new BInteger(value);
    }
}
