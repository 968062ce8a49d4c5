package io.rackswarm.seeder.upstream;

import io.rackswarm.core.io.SingleByteRead;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A blob download that outlives its connection. When a read fails (the upstream closed or reset
 * the connection, or stalled), the rest is asked for with {@code Range: bytes=<received>-} and
 * reading goes on where it stopped. An upstream that answers with the whole blob instead (no
 * range support) is read again from the start, the bytes already received skipped. The reader
 * (the cache, which hashes what it reads) sees one unbroken stream.
 *
 * <p>After {@code attempts} failures in a row without a new byte, or {@link #MAX_RESUMES} in
 * all, the read fails with an {@link UpstreamReadException} that says how far the download got.
 */
final class ResumingBlob extends InputStream implements io.rackswarm.core.cache.DeclaredLength {

    /** Resumes of one download at most, however much each one brought. */
    static final int MAX_RESUMES = 32;

    /** Opens the blob from a byte on. */
    interface Opener {
        /**
         * @param from the first byte wanted: 0 for the whole blob
         * @throws IOException the answer cannot be used (e.g. another range than asked for)
         * @throws UpstreamException the upstream refused or failed, after its own retries
         */
        Part open(long from) throws IOException;
    }

    /**
     * One answer's body.
     *
     * @param start the position of its first byte in the blob (0 for a whole-blob answer)
     * @param total the blob's length, -1 when the upstream did not say
     */
    record Part(InputStream body, long start, long total) {
    }

    private final Opener opener;
    private final int attempts;
    private final String what;
    private final long total;
    private Part part;
    private long received;
    private int failures;
    private int resumes;

    private ResumingBlob(Opener opener, int attempts, String what, Part first) {
        this.opener = opener;
        this.attempts = attempts;
        this.what = what;
        this.part = first;
        this.total = first.total();
    }

    /**
     * Opens the blob.
     *
     * @throws UpstreamException the upstream refused or failed
     */
    static ResumingBlob open(Opener opener, int attempts, String what) {
        try {
            return new ResumingBlob(opener, attempts, what, opener.open(0));
        } catch (IOException e) {
            throw new UpstreamException(502, "upstream sent an unusable answer for " + what
                    + ": " + UpstreamException.describe(e), e);
        }
    }

    @Override
    public long declaredLength() {
        return total;
    }

    @Override
    public int read() throws IOException {
        return SingleByteRead.of(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            IOException failure;
            try {
                int n = part.body().read(b, off, len);
                if (n > 0) {
                    received += n;
                    failures = 0;
                    return n;
                }
                if (total < 0 || received >= total) {
                    return -1;
                }
                failure = new EOFException("the connection ended early");
            } catch (IOException e) {
                failure = e;
            }
            takeUp(failure);
        }
    }

    /** Opens the rest of the blob after a failed read, or gives up after too many. */
    private void takeUp(IOException failure) throws IOException {
        IOException last = failure;
        while (true) {
            closeQuietly(part.body());
            if (++failures >= attempts || resumes >= MAX_RESUMES) {
                throw new UpstreamReadException("upstream failed " + what + " after " + received
                        + (total >= 0 ? " of " + total : "") + " bytes (" + resumes
                        + (resumes == 1 ? " resume" : " resumes") + "): "
                        + UpstreamException.describe(last), last);
            }
            try {
                Part next = opener.open(received);
                part = next;
                if (next.start() == 0 && received > 0) {
                    skip(next.body(), received);
                } else if (next.start() != received) {
                    throw new IOException("asked for bytes from " + received + ", the upstream"
                            + " sent bytes from " + next.start());
                }
                resumes++;
                return;
            } catch (IOException e) {
                last = e;
            } catch (UpstreamException e) {
                last = new IOException(e.getMessage(), e);
            }
        }
    }

    /** Reads and drops {@code n} bytes: those a whole-blob answer repeats. */
    private static void skip(InputStream in, long n) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = n;
        while (left > 0) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (r < 0) {
                throw new EOFException("the connection ended before the " + n
                        + " bytes already received");
            }
            left -= r;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // a broken connection, given up on
        }
    }

    @Override
    public void close() throws IOException {
        part.body().close();
    }
}
