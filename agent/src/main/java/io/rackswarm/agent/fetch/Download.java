package io.rackswarm.agent.fetch;

import io.rackswarm.core.cache.MonitorWait;
import io.rackswarm.core.oci.Digest;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * One blob on its way into the node's cache, readable while it arrives. The file grows at
 * {@link #file()}; {@link #available()} bytes from its start are final (their pieces passed
 * libtorrent's SHA-1 check, or came from the seeder). The whole blob's sha256 is checked at the
 * end: {@link #done()} then completes with the cached file, or fails, and a reader that already
 * sent bytes must abort its connection rather than end it normally.
 */
public final class Download {

    private final Digest digest;
    private final Path file;
    private final CompletableFuture<Path> done = new CompletableFuture<>();
    private final long startedNanos = System.nanoTime();
    private long size = -1;
    private long available;
    private volatile String mode = "starting";
    private volatile String fallback = "";
    private final SourceBytes bytes = new SourceBytes();

    Download(Digest digest, Path file) {
        this.digest = digest;
        this.file = file;
    }

    public Digest digest() {
        return digest;
    }

    /** The file the bytes are written to; it moves into the cache once verified. */
    public Path file() {
        return file;
    }

    /** Completes with the cached blob once verified; fails when the download failed. */
    public CompletableFuture<Path> done() {
        return done;
    }

    /** The blob's size once known, -1 before. */
    public synchronized long size() {
        return size;
    }

    /** Final bytes from the start of the file. */
    public synchronized long available() {
        return available;
    }

    synchronized void sizeKnown(long bytes) {
        if (size >= 0 && size != bytes) {
            throw new IllegalStateException(digest + " was " + size + " bytes, now " + bytes);
        }
        size = bytes;
        notifyAll();
    }

    synchronized void advance(long contiguous) {
        if (contiguous > available) {
            available = contiguous;
            notifyAll();
        }
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
     * Waits until the size is known or the download ended.
     *
     * @return the size, or -1 if it ended without one
     */
    public synchronized long awaitSize(long timeoutMillis) throws InterruptedException {
        MonitorWait.until(this, () -> size >= 0 || done.isDone(), timeoutMillis);
        return size;
    }

    /**
     * Waits until more than {@code position} bytes are final, the download ended, or the timeout
     * passed.
     *
     * @return the bytes now final
     */
    public synchronized long awaitBeyond(long position, long timeoutMillis)
            throws InterruptedException {
        MonitorWait.until(this, () -> available > position || done.isDone(), timeoutMillis);
        return available;
    }

    /** How the bytes are coming now: p2p, http or starting. */
    public String mode() {
        return mode;
    }

    void mode(String now) {
        this.mode = now;
    }

    /** Why the download left BitTorrent, empty if it did not. */
    public String fallback() {
        return fallback;
    }

    void fellBack(String reason) {
        this.fallback = reason;
    }

    /** Bytes received so far by source. */
    public SourceBytes bytes() {
        return bytes;
    }

    public long elapsedNanos() {
        return System.nanoTime() - startedNanos;
    }
}
