package io.rackswarm.agent.fetch;

import io.rackswarm.agent.fetch.SourceBytes.Source;
import io.rackswarm.core.metainfo.PieceLength;
import io.rackswarm.core.metainfo.TorrentFile;
import io.rackswarm.core.torrent.PeerFingerprint;
import java.io.IOException;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.libtorrent4j.TorrentHandle;

/**
 * A blob over BitTorrent into the download's file. Pieces are asked for in the order a reader
 * needs them (deadlines on a short window after the first missing piece, not sequential mode, so
 * the swarm keeps its piece diversity); the file's verified prefix grows as they arrive. Ends
 * when every piece is in, or when nothing arrived for the stall timeout.
 */
final class TorrentTransfer implements TorrentSession.Events {

    private static final int DEADLINE_STEP_MILLIS = 200;

    private final TorrentSession session;
    private final FetchMetrics metrics;
    private final Duration stallTimeout;
    /** Pieces ahead of the reader that get deadlines. */
    private final int window;
    private final Semaphore wake = new Semaphore(0);
    private volatile String error;
    private final Download download;
    private final TorrentFile torrent;
    private final long size;
    private final int pieceLength;
    private final BitSet had = new BitSet();

    TorrentTransfer(TorrentSession session, FetchMetrics metrics, Duration stallTimeout,
            int window, Download download, TorrentFile torrent) {
        this.session = session;
        this.metrics = metrics;
        this.stallTimeout = stallTimeout;
        this.window = window;
        this.download = download;
        this.torrent = torrent;
        this.size = torrent.metainfo().length();
        this.pieceLength = PieceLength.forSize(size);
    }

    @Override
    public void pieceFinished(int piece) {
        wake.release();
    }

    @Override
    public void pieceFailed(int piece) {
        metrics.pieceFailed();
    }

    /** Blocks are 16 KiB (libtorrent's block size) but for the last of the blob. */
    private static final int BLOCK = 16 * 1024;

    @Override
    public void blockReceived(int piece, int block, PeerFingerprint.Source from) {
        long start = (long) piece * pieceLength + (long) block * BLOCK;
        long n = Math.max(0, Math.min(BLOCK, size - start));
        Source source = switch (from) {
            case PEER_RACK -> Source.PEER_RACK;
            case SEEDER -> Source.SEEDER_P2P;
            case PEER_REMOTE, OTHER -> Source.PEER_REMOTE;
        };
        download.bytes().add(source, n);
        metrics.received(source, n);
    }

    @Override
    public void error(String message) {
        error = message;
        wake.release();
    }

    /**
     * Downloads until complete or stalled.
     *
     * @return true when every piece is in; false when the download stalled and the rest must
     *     come another way
     */
    boolean run(Sha256Follower hasher) throws IOException, InterruptedException {
        var metainfo = torrent.metainfo();
        int pieces = (int) ((size + pieceLength - 1) / pieceLength);
        TorrentHandle handle = session.download(metainfo, torrent.announce(),
                download.file().getParent(), this);
        try {
            return transfer(handle, pieces, hasher);
        } finally {
            if (handle.isValid()) {
                for (int i = 0; i < pieces; i++) {
                    if (handle.havePiece(i)) {
                        had.set(i);
                    }
                }
            }
            session.remove(metainfo.infoHash());
        }
    }

    /** The pieces that were in (verified) when the transfer ended: what a fallback can skip. */
    HttpTransfer.Present piecesHad() {
        return new HttpTransfer.Present((BitSet) had.clone(), pieceLength);
    }

    private boolean transfer(TorrentHandle handle, int pieces, Sha256Follower hasher)
            throws IOException, InterruptedException {
        int firstMissing = 0;
        int deadlinesUpTo = 0;
        long lastDone = -1;
        long lastProgress = System.nanoTime();
        while (true) {
            wake.tryAcquire(100, TimeUnit.MILLISECONDS);
            wake.drainPermits();
            if (error != null) {
                throw new IOException("libtorrent: " + error);
            }
            while (firstMissing < pieces && handle.havePiece(firstMissing)) {
                firstMissing++;
            }
            long contiguous = Math.min((long) firstMissing * pieceLength, size);
            hasher.follow(contiguous);
            download.advance(contiguous);
            long now = System.nanoTime();
            if (firstMissing == pieces) {
                return true;
            }
            while (deadlinesUpTo < Math.min(pieces, firstMissing + window)) {
                int i = Math.max(deadlinesUpTo, firstMissing);
                handle.setPieceDeadline(i, (i - firstMissing + 1) * DEADLINE_STEP_MILLIS);
                deadlinesUpTo = i + 1;
            }
            long done = handle.status().totalDone();
            if (done != lastDone) {
                lastDone = done;
                lastProgress = now;
            } else if (now - lastProgress > stallTimeout.toNanos()) {
                return false;
            }
        }
    }
}
