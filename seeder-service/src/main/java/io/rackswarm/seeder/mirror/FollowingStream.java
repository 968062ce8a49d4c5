package io.rackswarm.seeder.mirror;

import io.rackswarm.core.cache.Filling;
import io.rackswarm.core.io.SingleByteRead;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

/**
 * A blob (or a slice of it) as it is pulled: bytes are read from the growing file as soon as
 * they are written, so the client receives them while the pull runs. The last byte asked for is
 * held back until the whole blob has matched its digest; if it does not, or the pull fails, the read fails, the response is cut
 * off short of its Content-Length, and the client sees an error, never a short or wrong success.
 */
final class FollowingStream extends InputStream {

    private static final org.jboss.logging.Logger LOG =
            org.jboss.logging.Logger.getLogger(FollowingStream.class);

    private final Filling pull;
    private final long length;
    private final long end;
    private FileChannel channel;
    private long position;

    /**
     * @param length the blob's length, as the upstream announced it
     * @param from the first byte to read
     * @param end the byte after the last one to read
     */
    FollowingStream(Filling pull, long length, long from, long end) {
        this.pull = pull;
        this.length = length;
        this.position = from;
        this.end = end;
    }

    @Override
    public int read() throws IOException {
        return SingleByteRead.of(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return readFollowing(b, off, len);
        } catch (IOException | RuntimeException e) {
            LOG.infof("stream of %s cut at byte %d of %d: %s", pull.digest(), position, length,
                    e.getMessage());
            throw e;
        }
    }

    private int readFollowing(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position >= end) {
            return -1;
        }
        long limit = awaitReadable();
        if (channel == null) {
            channel = open();
        }
        int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, limit - position)),
                position);
        if (n <= 0) {
            throw new IOException(pull.digest() + " ended at byte " + position + " of "
                    + length);
        }
        position += n;
        return n;
    }

    /**
     * Waits until bytes beyond the position may be sent: written ones, and the last one only
     * once the blob is verified. The pull's own deadlines (request, stall, attempts) bound the
     * wait.
     *
     * @return how far bytes may be sent
     */
    private long awaitReadable() throws IOException {
        try {
            while (true) {
                long written = pull.awaitBeyond(position, 1000);
                // Read once: the pull may end between two looks, and a failed pull must never
                // pass for a verified one.
                boolean ended = pull.done().isDone();
                if (ended && pull.done().isCompletedExceptionally()) {
                    throw new IOException("the pull of " + pull.digest() + " failed at byte "
                            + position + ": " + failure());
                }
                long limit = ended ? end : Math.min(written, end - 1);
                if (limit > position) {
                    return limit;
                }
                if (ended) {
                    throw new IOException(pull.digest() + " is shorter than the " + length
                            + " bytes announced");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private String failure() {
        try {
            pull.done().join();
            return "unknown";
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return io.rackswarm.seeder.upstream.UpstreamException.describe(cause);
        }
    }

    /** The growing file, or the cached blob once the pull moved it there. */
    private FileChannel open() throws IOException {
        try {
            return FileChannel.open(pull.part(), StandardOpenOption.READ);
        } catch (NoSuchFileException moved) {
            return FileChannel.open(PullThrough.await(pull), StandardOpenOption.READ);
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
