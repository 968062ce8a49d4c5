package io.rackswarm.agent.fetch;

import io.rackswarm.agent.fetch.SourceBytes.Source;
import io.rackswarm.agent.seeder.SeederClient;
import io.rackswarm.agent.seeder.SeederException;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.RegistryHost;
import io.rackswarm.core.oci.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The rest of a blob from the seeder over HTTP, from the first byte the download lacks
 * ({@code Range}), written into the download's file. After BitTorrent stalled, only the pieces it
 * did not bring are asked for (one bounded {@code Range} per run of missing pieces); the ones it
 * brought are on disk, verified, and only hashed. A seeder that sends nothing for the stall
 * timeout is cut off. A stream that breaks off (closed, cut off, ended short) is asked for
 * again from its first missing byte, until {@value #BREAKS_WITHOUT_PROGRESS} breaks in a row
 * bring nothing new or {@value #MAX_RESUMES} resumes in all.
 */
final class HttpTransfer {

    private static final Logger LOG = Logger.getLogger(HttpTransfer.class);
    /** Breaks of the seeder's stream in a row without a new byte before the fallback fails. */
    static final int BREAKS_WITHOUT_PROGRESS = 3;
    /** Resumes of one run of missing bytes, in all. */
    static final int MAX_RESUMES = 16;

    private final SeederClient seeder;
    private final FetchMetrics metrics;
    private final ScheduledExecutorService watchdog;
    private final Duration stallTimeout;

    HttpTransfer(SeederClient seeder, FetchMetrics metrics, ScheduledExecutorService watchdog,
            Duration stallTimeout) {
        this.seeder = seeder;
        this.metrics = metrics;
        this.watchdog = watchdog;
        this.stallTimeout = stallTimeout;
    }

    /** Pieces of the blob already in the file, and their length. */
    record Present(BitSet pieces, int pieceLength) {
    }

    /**
     * Fills what the file lacks from {@link Download#available()} to its end, skipping the
     * pieces in {@code present} (null when BitTorrent brought none, or the size is unknown).
     *
     * @param hasher hashes the bytes as they are written or skipped
     */
    void fill(Download download, Optional<RegistryHost> ns, Repository repository,
            Sha256Follower hasher, Present present) throws IOException {
        long size = download.size();
        if (present == null || size < 0) {
            copy(download, ns, repository, hasher, download.available(), -1);
            return;
        }
        long position = download.available();
        while (position < size) {
            int piece = (int) (position / present.pieceLength());
            boolean have = present.pieces().get(piece);
            int next = have ? present.pieces().nextClearBit(piece)
                    : present.pieces().nextSetBit(piece);
            long end = next < 0 ? size : Math.min(size, (long) next * present.pieceLength());
            if (have) {
                hasher.follow(end);
                download.advance(end);
            } else {
                copy(download, ns, repository, hasher, position, end);
            }
            position = end;
        }
    }

    /**
     * Bytes from..to (exclusive; -1 for the blob's end) from the seeder into the file, resumed
     * where a broken stream stopped. An answer the seeder gives (an HTTP error) is final.
     */
    private void copy(Download download, Optional<RegistryHost> ns, Repository repository,
            Sha256Follower hasher, long from, long to) throws IOException {
        long position = from;
        int breaksInARow = 0;
        int resumes = 0;
        while (true) {
            try {
                copyOnce(download, ns, repository, hasher, position, to);
                return;
            } catch (IOException e) {
                long reached = Math.max(position, download.available());
                breaksInARow = reached > position ? 1 : breaksInARow + 1;
                if (breaksInARow >= BREAKS_WITHOUT_PROGRESS || resumes == MAX_RESUMES) {
                    throw new IOException(e.getMessage() + " (after " + resumes + " resumes)", e);
                }
                resumes++;
                LOG.infof("%s: the seeder's stream broke off at byte %d (%s); asking again from"
                        + " there", download.digest(), reached, e.getMessage());
                position = reached;
            }
        }
    }

    private void copyOnce(Download download, Optional<RegistryHost> ns, Repository repository,
            Sha256Follower hasher, long from, long to) throws IOException {
        Digest digest = download.digest();
        SeederClient.BlobStream stream = seeder.blob(ns, repository, digest, from, to);
        long end = to >= 0 ? to : stream.size();
        if (stream.size() < 0) {
            stream.body().close();
            throw new SeederException(502, "seeder sent blob " + digest + " without its size");
        }
        download.sizeKnown(stream.size());
        AtomicLong lastByte = new AtomicLong(System.nanoTime());
        ScheduledFuture<?> guard = watchdog.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastByte.get() > stallTimeout.toNanos()) {
                try {
                    stream.body().close();
                } catch (IOException ignored) {
                    // the reader sees the closed stream
                }
            }
        }, 1, 1, TimeUnit.SECONDS);
        long position = from;
        hasher.follow(from);
        try (InputStream in = stream.body(); FileChannel out = FileChannel.open(download.file(),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                lastByte.set(System.nanoTime());
                if (position + n > end) {
                    throw new SeederException(502, "seeder sent more than bytes " + from + "-"
                            + end + " of blob " + digest);
                }
                ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                while (b.hasRemaining()) {
                    position += out.write(b, position);
                }
                download.bytes().add(Source.SEEDER_HTTP, n);
                metrics.received(Source.SEEDER_HTTP, n);
                hasher.update(buffer, 0, n);
                download.advance(position);
            }
            if (position != end) {
                throw new IOException("seeder stream of blob " + digest + " ended at byte "
                        + position + " of " + from + "-" + end);
            }
            if (to < 0) {
                out.truncate(stream.size());
            }
        } catch (IOException e) {
            if (System.nanoTime() - lastByte.get() > stallTimeout.toNanos()) {
                throw new IOException("seeder sent nothing for " + stallTimeout + " at byte "
                        + position + " of blob " + digest, e);
            }
            throw e;
        } finally {
            guard.cancel(false);
        }
    }
}
