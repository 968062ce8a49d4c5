package io.rackswarm.seeder.torrent;

import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.core.torrent.PeerFingerprint;
import io.rackswarm.torrent.DatacenterSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.libtorrent4j.AlertListener;
import org.libtorrent4j.SessionManager;
import org.libtorrent4j.TorrentFlags;
import org.libtorrent4j.TorrentHandle;
import org.libtorrent4j.TorrentInfo;
import org.libtorrent4j.alerts.Alert;
import org.libtorrent4j.alerts.AlertType;
import org.libtorrent4j.alerts.TrackerErrorAlert;

/**
 * One libtorrent session that seeds many blobs, set up for a datacenter ({@link
 * DatacenterSession}): TCP only, private torrents, announcing as often as the tracker asks, caps
 * that apply to peers on private addresses too.
 */
public final class SeedingSession implements AutoCloseable {

    /** The tracker hands out a 10 s interval by default; libtorrent may not wait longer. */
    static final int MIN_ANNOUNCE_SECONDS = 1;

    private final SessionManager session;
    private final Map<InfoHash, TorrentHandle> seeded = new ConcurrentHashMap<>();

    private volatile Consumer<InfoHash> onUnregistered = ih -> { };

    private SeedingSession(SessionManager session) {
        this.session = session;
        session.addListener(new AlertListener() {
            @Override
            public int[] types() {
                return new int[] {AlertType.TRACKER_ERROR.swig()};
            }

            @Override
            public void alert(Alert<?> alert) {
                TrackerErrorAlert error = (TrackerErrorAlert) alert;
                if (DatacenterSession.isUnregistered(error)) {
                    onUnregistered.accept(InfoHash.ofHex(error.handle().infoHash().toHex()));
                }
            }
        });
    }

    /**
     * Told of each seeded torrent the tracker no longer knows (its Redis lost its data), so that
     * the seeder registers it again.
     */
    public void onUnregistered(Consumer<InfoHash> listener) {
        this.onUnregistered = listener;
    }

    /** Announces the torrent now, e.g. once the tracker has taken its registration. */
    public void reannounce(InfoHash infoHash) {
        TorrentHandle h = seeded.get(infoHash);
        if (h != null && h.isValid()) {
            h.forceReannounce(0, -1, TorrentHandle.IGNORE_MIN_INTERVAL);
        }
    }

    /**
     * @param listenHost address peers reach this session on
     * @param listenPort TCP port; libtorrent refuses ports below 1024 except 80 and 443
     */
    public static SeedingSession start(String listenHost, int listenPort) {
        return start(listenHost, listenPort, 0);
    }

    /**
     * @param uploadBytesPerSecond cap on what the session sends to all peers together; 0 for none
     */
    public static SeedingSession start(String listenHost, int listenPort,
            int uploadBytesPerSecond) {
        return new SeedingSession(DatacenterSession.start(new DatacenterSession.Settings(
                listenHost, listenPort, uploadBytesPerSecond, 0, PeerFingerprint.SEEDER,
                MIN_ANNOUNCE_SECONDS)));
    }

    /**
     * Seeds a blob whose bytes are already verified: {@code dir} holds the file named by the
     * digest's hex. Seed mode skips libtorrent's own hash check, which the cache has done.
     *
     * @param announceUrl the tracker announce URL with this replica's origin token
     */
    public InfoHash seed(Metainfo metainfo, Path dir, String announceUrl) {
        TorrentInfo info = new TorrentInfo(metainfo.torrentFile(announceUrl));
        if (!info.infoHash().toHex().equals(metainfo.infoHash().hex())) {
            throw new IllegalStateException("libtorrent computes info-hash " + info.infoHash()
                    + " for " + metainfo.digest() + ", rackswarm " + metainfo.infoHash());
        }
        session.download(info, dir.toFile(), null, null, null, TorrentFlags.SEED_MODE);
        TorrentHandle handle = session.find(info.infoHash());
        if (handle == null || !handle.isValid()) {
            throw new IllegalStateException("libtorrent did not add " + metainfo.infoHash());
        }
        seeded.put(metainfo.infoHash(), handle);
        return metainfo.infoHash();
    }

    /** Stops seeding a torrent (its blob left the cache); the files are not touched. */
    public void stop(InfoHash infoHash) {
        TorrentHandle h = seeded.remove(infoHash);
        if (h != null && h.isValid()) {
            session.remove(h);
        }
    }

    public int torrentsSeeded() {
        return seeded.size();
    }

    /** Bytes sent to peers since the session started. */
    public long uploadedBytes() {
        return session.totalUpload();
    }

    /** Whether peers are connected to this torrent now (a pull is in flight). */
    public boolean hasPeers(InfoHash infoHash) {
        TorrentHandle h = seeded.get(infoHash);
        return h != null && h.isValid() && h.status().numPeers() > 0;
    }

    public boolean isSeeding(InfoHash infoHash) {
        TorrentHandle h = seeded.get(infoHash);
        return h != null && h.isValid() && h.status().isSeeding();
    }

    @Override
    public void close() {
        session.stop();
    }
}
