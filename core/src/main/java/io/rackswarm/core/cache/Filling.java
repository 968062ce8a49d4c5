package io.rackswarm.core.cache;

import io.rackswarm.core.oci.Digest;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * A blob on its way into the cache, readable while it arrives: {@link #part()} grows, and its
 * first {@link #received()} bytes are written. Nothing is verified before the end: {@link #done()}
 * completes with the cached blob once the whole blob matched its digest, or fails. A reader that
 * sends bytes before then must hold the last one back until {@code done()} completes, and abort
 * (never end normally) if it fails.
 */
public final class Filling {

    private final Digest digest;
    private final CompletableFuture<Path> done = new CompletableFuture<>();
    private volatile Path part;
    /** -1 until the source said (or turned out not to say); guarded by this. */
    private long length = -1;
    private boolean lengthSettled;
    private long received;

    Filling(Digest digest) {
        this.digest = digest;
    }

    public Digest digest() {
        return digest;
    }

    /** The file the bytes are written to (null before it exists); it becomes the cached blob. */
    public Path part() {
        return part;
    }

    /** Completes with the cached, verified blob; fails when the download failed. */
    public CompletableFuture<Path> done() {
        return done;
    }

    /** Whether the source has been opened (its length, or that it gave none, is known). */
    public synchronized boolean started() {
        return lengthSettled;
    }

    void started(Path file, long declaredLength) {
        part = file;
        synchronized (this) {
            length = declaredLength;
            lengthSettled = true;
            notifyAll();
        }
    }

    synchronized void advance(long bytes) {
        received = bytes;
        notifyAll();
    }

    void finish(Path cached) {
        done.complete(cached);
        wake();
    }

    void fail(Throwable cause) {
        done.completeExceptionally(cause);
        wake();
    }

    private synchronized void wake() {
        notifyAll();
    }

    /**
     * Waits until the source said how long the blob is, or the download ended.
     *
     * @return the length, or -1 when the source does not say or the download ended first
     */
    public synchronized long awaitLength(long timeoutMillis) throws InterruptedException {
        MonitorWait.until(this, () -> lengthSettled || done.isDone(), timeoutMillis);
        return length;
    }

    /**
     * Waits until more than {@code position} bytes are written, the download ended, or the
     * timeout passed.
     *
     * @return the bytes written now
     */
    public synchronized long awaitBeyond(long position, long timeoutMillis)
            throws InterruptedException {
        MonitorWait.until(this, () -> received > position || done.isDone(), timeoutMillis);
        return received;
    }
}
