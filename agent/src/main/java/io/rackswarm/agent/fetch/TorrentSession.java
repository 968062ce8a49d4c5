package io.rackswarm.agent.fetch;

import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.agent.token.NodeToken;
import io.rackswarm.agent.topology.NodeTopology;
import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.core.torrent.PeerFingerprint;
import io.rackswarm.core.topology.Location;
import io.rackswarm.torrent.DatacenterSession;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.libtorrent4j.AlertListener;
import org.libtorrent4j.AnnounceEntry;
import org.libtorrent4j.SessionManager;
import org.libtorrent4j.SettingsPack;
import org.libtorrent4j.TorrentFlags;
import org.libtorrent4j.TorrentHandle;
import org.libtorrent4j.TorrentInfo;
import org.libtorrent4j.alerts.Alert;
import org.libtorrent4j.alerts.AlertType;
import org.libtorrent4j.alerts.BlockFinishedAlert;
import org.libtorrent4j.alerts.HashFailedAlert;
import org.libtorrent4j.alerts.PieceFinishedAlert;
import org.libtorrent4j.alerts.TorrentAlert;
import org.libtorrent4j.alerts.TrackerErrorAlert;
import org.libtorrent4j.swig.settings_pack;

/**
 * The agent's one libtorrent session: downloads blobs and seeds the cached ones. Every torrent
 * announces with this node's token and topology; when the node's labels change, the session
 * re-announces with the new ones and takes a peer id naming the new rack.
 */
@ApplicationScoped
public class TorrentSession {

    private static final Logger LOG = Logger.getLogger(TorrentSession.class);
    /** The tracker's interval rules (10 s, 2 s while a tier is empty); libtorrent's floor goes. */
    private static final int MIN_ANNOUNCE_SECONDS = 1;

    /** What a download hears from libtorrent about its torrent. */
    public interface Events {
        void pieceFinished(int piece);

        void pieceFailed(int piece);

        /** A 16 KiB block (or the blob's last, shorter one) arrived from this peer. */
        void blockReceived(int piece, int block, PeerFingerprint.Source from);

        void error(String message);
    }

    private final AgentConfig config;
    private final NodeTopology topology;
    private final NodeToken token;
    private SessionManager session;
    /** This node's peer id prefix and the classifier of the peers it meets. */
    private volatile PeerFingerprint fingerprint;
    private final Map<String, Torrent> torrents = new ConcurrentHashMap<>();

    private record Torrent(TorrentHandle handle, String announceBase, Events events) {
    }

    public TorrentSession(AgentConfig config, NodeTopology topology, NodeToken token) {
        this.config = config;
        this.topology = topology;
        this.token = token;
    }

    private synchronized SessionManager session() {
        if (session == null) {
            fingerprint = PeerFingerprint.of(topology.location());
            session = DatacenterSession.start(new DatacenterSession.Settings(config.peerHost(),
                    config.peerPort(), config.uploadBytesPerSecond(),
                    config.downloadBytesPerSecond(), fingerprint.prefix(),
                    MIN_ANNOUNCE_SECONDS));
            session.addListener(new AlertListener() {
                @Override
                public int[] types() {
                    return new int[] {AlertType.PIECE_FINISHED.swig(),
                        AlertType.BLOCK_FINISHED.swig(),
                        AlertType.HASH_FAILED.swig(), AlertType.TORRENT_ERROR.swig(),
                        AlertType.FILE_ERROR.swig(), AlertType.TRACKER_ERROR.swig()};
                }

                @Override
                public void alert(Alert<?> alert) {
                    dispatch(alert);
                }
            });
            topology.onChange(this::moved);
            token.onChange(t -> reannounce());
        }
        return session;
    }

    /** Starts the session now rather than at the first blob (readiness asks for it). */
    public boolean isUp() {
        return session() != null && session.isRunning();
    }

    private void dispatch(Alert<?> alert) {
        if (!(alert instanceof TorrentAlert<?> t)) {
            return;
        }
        Torrent torrent = torrents.get(t.handle().infoHash().toHex());
        if (torrent == null || torrent.events() == null) {
            return;
        }
        if (alert instanceof TrackerErrorAlert e) {
            if (DatacenterSession.isUnregistered(e)) {
                // The seeder registers in the background; ask again soon rather than after
                // libtorrent's back-off. The alert's handle lives only as long as the alert
                // (libtorrent frees it with the next batch): later, use the torrent's own.
                String key = t.handle().infoHash().toHex();
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> {
                    Torrent now = torrents.get(key);
                    TorrentHandle h = now == null ? null : now.handle();
                    if (h != null && h.isValid()) {
                        h.forceReannounce(0, -1, TorrentHandle.IGNORE_MIN_INTERVAL);
                    }
                });
            }
        } else if (alert instanceof BlockFinishedAlert b) {
            byte[] pid = HexFormat.of().parseHex(b.peerId().toHex());
            torrent.events().blockReceived(b.pieceIndex(), b.blockIndex(),
                    fingerprint.classify(pid));
        } else if (alert instanceof PieceFinishedAlert p) {
            torrent.events().pieceFinished(p.pieceIndex());
        } else if (alert instanceof HashFailedAlert h) {
            torrent.events().pieceFailed(h.pieceIndex());
        } else {
            torrent.events().error(alert.message());
        }
    }

    /**
     * Starts downloading a torrent into {@code dir}; data already there (an earlier, interrupted
     * download) is checked and kept.
     *
     * @param announceBase the tracker's announce URL from the seeder's metainfo
     */
    public TorrentHandle download(Metainfo metainfo, String announceBase, Path dir,
            Events events) {
        return add(metainfo, announceBase, dir, events, false);
    }

    /** Seeds a verified blob held in {@code dir}, without checking it again. */
    public void seed(Metainfo metainfo, String announceBase, Path dir) {
        add(metainfo, announceBase, dir, null, true);
    }

    private TorrentHandle add(Metainfo metainfo, String announceBase, Path dir, Events events,
            boolean seedMode) {
        // The session first: starting it loads the native library, which every libtorrent4j
        // class (TorrentFlags too) needs. A restart with a full cache seeds before any download.
        SessionManager s = session();
        org.libtorrent4j.swig.torrent_flags_t flags = seedMode ? TorrentFlags.SEED_MODE : null;
        TorrentInfo info = new TorrentInfo(metainfo.torrentFile(announceUrl(announceBase)));
        String key = metainfo.infoHash().hex();
        TorrentHandle existing = s.find(info.infoHash());
        if (existing != null && existing.isValid()) {
            s.remove(existing);
        }
        // Registered before adding, so that no piece alert is missed.
        torrents.put(key, new Torrent(null, announceBase, events));
        s.download(info, dir.toFile(), null, null, null, flags == null
                ? new org.libtorrent4j.swig.torrent_flags_t() : flags);
        TorrentHandle handle = s.find(info.infoHash());
        if (handle == null || !handle.isValid()) {
            torrents.remove(key);
            throw new IllegalStateException("libtorrent did not add " + metainfo.infoHash());
        }
        torrents.put(key, new Torrent(handle, announceBase, events));
        return handle;
    }

    /** Stops a torrent; its files stay. */
    public void remove(InfoHash infoHash) {
        Torrent t = torrents.remove(infoHash.hex());
        if (t != null && t.handle() != null && t.handle().isValid()) {
            session().remove(t.handle());
        }
    }

    public boolean isSeeding(InfoHash infoHash) {
        Torrent t = torrents.get(infoHash.hex());
        return t != null && t.handle() != null && t.handle().isValid()
                && t.handle().status().isSeeding();
    }

    /** Whether peers are connected to this torrent now (it is being uploaded). */
    public boolean hasPeers(InfoHash infoHash) {
        Torrent t = torrents.get(infoHash.hex());
        return t != null && t.handle() != null && t.handle().isValid()
                && t.handle().status().numPeers() > 0;
    }

    public int torrents() {
        return torrents.size();
    }

    public long uploadedBytes() {
        return session == null ? 0 : session.totalUpload();
    }

    private String announceUrl(String base) {
        Location here = topology.location();
        StringBuilder url = new StringBuilder(base).append(base.contains("?") ? '&' : '?')
                .append("token=").append(encode(token.value()));
        if (!here.region().isEmpty()) {
            url.append("&region=").append(encode(here.region()));
        }
        if (!here.zone().isEmpty()) {
            url.append("&zone=").append(encode(here.zone()));
        }
        if (!here.rack().isEmpty()) {
            url.append("&rack=").append(encode(here.rack()));
        }
        return url.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void moved(Location now) {
        LOG.infof("node moved to %s: re-announcing %d torrents", now, torrents.size());
        SettingsPack pack = new SettingsPack();
        fingerprint = PeerFingerprint.of(now);
        pack.setString(settings_pack.string_types.peer_fingerprint.swigValue(),
                fingerprint.prefix());
        session.applySettings(pack);
        reannounce();
    }

    /** Every torrent announces again now, with the current token and topology. */
    private void reannounce() {
        for (Torrent t : torrents.values()) {
            if (t.handle() != null && t.handle().isValid()) {
                t.handle().replaceTrackers(List.of(new AnnounceEntry(
                        announceUrl(t.announceBase()))));
                t.handle().forceReannounce();
            }
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (session != null) {
            session.stop();
        }
    }
}
