package io.rackswarm.core.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@link InputStream#read()} for streams whose logic lives in {@code read(byte[], int, int)}:
 * one byte through the block read, so that a one-byte read gets the same checks and errors.
 */
public final class SingleByteRead {

    private SingleByteRead() {
    }

    /** The next byte of {@code in} (0-255), or -1 at its end, read through its block read. */
    public static int of(InputStream in) throws IOException {
        byte[] one = new byte[1];
        return in.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
}
