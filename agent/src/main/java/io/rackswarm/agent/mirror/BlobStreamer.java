package io.rackswarm.agent.mirror;

import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.agent.fetch.Download;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Sends a blob to a client while it downloads: bytes go out as soon as they are final, in order,
 * so a pull takes about the download's time rather than download plus copy. The last byte is
 * held back until the whole blob has matched its digest; if it does not, or the download fails,
 * the connection is reset, so the client sees an error and never a short or wrong success.
 */
@ApplicationScoped
public class BlobStreamer {

    private static final Logger LOG = Logger.getLogger(BlobStreamer.class);
    private static final int CHUNK = 1 << 20;

    private final ThreadPoolExecutor streams;
    private final long idleMillis;

    public BlobStreamer(AgentConfig config) {
        AtomicInteger n = new AtomicInteger();
        this.streams = new ThreadPoolExecutor(config.maxStreams(), config.maxStreams(), 30,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.maxStreams()), r -> {
                    Thread t = new Thread(r, "stream-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.streams.allowCoreThreadTimeOut(true);
        // A download that is neither progressing nor failing for this long is given up here;
        // its own stall handling normally acts long before.
        this.idleMillis = 4 * config.p2pStallTimeout().toMillis()
                + config.seederRequestTimeout().toMillis();
    }

    /**
     * Streams bytes {@code first..last} of the download; the response's status and headers are
     * set by the caller.
     *
     * @throws RejectedExecutionException too many streams are running
     */
    public void stream(HttpServerResponse response, Download download, long first, long last) {
        streams.execute(() -> run(response, download, first, last));
    }

    private void run(HttpServerResponse response, Download download, long first, long last) {
        long end = last + 1;
        long pos = first;
        FileChannel channel = null;
        Flow flow = new Flow(response);
        try {
            long idleSince = System.nanoTime();
            while (pos < end) {
                long available = download.awaitBeyond(pos, 1000);
                if (download.done().isCompletedExceptionally()) {
                    throw new IOException("download failed");
                }
                boolean verified = download.done().isDone();
                // The final byte waits for the digest check.
                long limit = verified ? end : Math.min(available, end - 1);
                if (limit <= pos) {
                    if (!verified && available >= end - 1) {
                        awaitDone(download);
                        continue;
                    }
                    if (System.nanoTime() - idleSince > TimeUnit.MILLISECONDS.toNanos(
                            idleMillis)) {
                        throw new IOException("no progress for " + idleMillis + " ms");
                    }
                    continue;
                }
                idleSince = System.nanoTime();
                if (channel == null) {
                    channel = open(download);
                }
                int want = (int) Math.min(CHUNK, limit - pos);
                ByteBuf chunk = Unpooled.directBuffer(want);
                int n;
                try {
                    n = chunk.writeBytes(channel, pos, want);
                } catch (IOException | RuntimeException e) {
                    chunk.release();
                    throw e;
                }
                if (n <= 0) {
                    chunk.release();
                    throw new IOException("file ended at " + pos);
                }
                flow.write(Buffer.buffer(chunk));
                pos += n;
            }
            response.end();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.infof("stream of %s cut at byte %d: %s", download.digest(), pos, e.getMessage());
            response.reset();
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
        }
    }

    private static void awaitDone(Download download) throws InterruptedException {
        try {
            download.done().get(1, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // the loop looks at the outcome
        }
    }

    /** The growing file, or the cached blob once the download moved it there. */
    private static FileChannel open(Download download) throws IOException, InterruptedException {
        try {
            return FileChannel.open(download.file(), StandardOpenOption.READ);
        } catch (NoSuchFileException moved) {
            awaitDone(download);
            if (!download.done().isDone() || download.done().isCompletedExceptionally()) {
                throw moved;
            }
            Path cached = download.done().join();
            return FileChannel.open(cached, StandardOpenOption.READ);
        }
    }

    /**
     * Writes without waiting for each chunk to reach the wire, a few MiB ahead, and waits when
     * the client reads slower than the file fills.
     */
    private static final class Flow {
        private static final int AHEAD = 8 * CHUNK;
        private final HttpServerResponse response;
        private volatile boolean closed;

        Flow(HttpServerResponse response) {
            this.response = response;
            response.setWriteQueueMaxSize(AHEAD);
            response.closeHandler(v -> closed = true);
        }

        void write(Buffer chunk) throws IOException, InterruptedException {
            if (closed) {
                throw new IOException("client went away");
            }
            response.write(chunk);
            if (response.writeQueueFull()) {
                CountDownLatch drained = new CountDownLatch(1);
                response.drainHandler(v -> drained.countDown());
                if (response.writeQueueFull() && !drained.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("client read nothing for 60 s");
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        streams.shutdownNow();
    }
}
