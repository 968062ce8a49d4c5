package io.rackswarm.core.bencode;

/**
 * Raised for every malformed or over-limit bencoded input. The decoder never lets any other
 * exception escape, so callers can map this single type to a protocol error.
 */
public final class BencodeException extends RuntimeException {

    private final int offset;

    public BencodeException(String message, int offset) {
        super(message + " at byte " + offset);
        this.offset = offset;
    }

    /** Position in the input where decoding stopped. */
    public int offset() {
        return offset;
    }
}
