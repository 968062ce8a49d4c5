package io.rackswarm.seeder.upstream;

import io.rackswarm.core.io.SingleByteRead;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A blob body whose reads fail when no byte arrives for the stall timeout. The socket's read
 * timeout does the waiting ({@link UpstreamAnswer} sets it): an upstream that stalls mid-blob
 * would otherwise hold a pull forever. This names the failure and carries the length the
 * upstream announced.
 */
final class StallGuard extends FilterInputStream
        implements io.rackswarm.core.cache.DeclaredLength {

    private final Duration stall;
    private final String what;
    private final long declaredLength;

    /** @param declaredLength the response's Content-Length, -1 when absent */
    StallGuard(InputStream in, long declaredLength, Duration stall, String what) {
        super(in);
        this.declaredLength = declaredLength;
        this.stall = stall;
        this.what = what;
    }

    @Override
    public long declaredLength() {
        return declaredLength;
    }

    @Override
    public int read() throws IOException {
        return SingleByteRead.of(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (SocketTimeoutException e) {
            throw new IOException("upstream stalled: no byte of " + what + " for "
                    + stall.toMillis() / 1000.0 + " s", e);
        }
    }
}
