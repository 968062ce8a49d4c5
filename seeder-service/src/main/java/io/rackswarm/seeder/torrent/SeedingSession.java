package io.rackswarm.seeder.torrent;

import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.torrent.InfoHash;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.libtorrent4j.SessionManager;
import org.libtorrent4j.SessionParams;
import org.libtorrent4j.SettingsPack;
import org.libtorrent4j.TorrentFlags;
import org.libtorrent4j.TorrentHandle;
import org.libtorrent4j.TorrentInfo;
import org.libtorrent4j.swig.address;
import org.libtorrent4j.swig.error_code;
import org.libtorrent4j.swig.ip_filter;
import org.libtorrent4j.swig.settings_pack;

/**
 * One libtorrent session that seeds many blobs. Settings are those of a datacenter: TCP only (uTP
 * ran at 8 MB/s on loopback against 115 MB/s for TCP), no DHT, local discovery, UPnP or NAT-PMP
 * (torrents are private and peers come from the tracker only), several connections per address
 * (nodes behind one address, and tests on loopback).
 *
 * <p>libtorrent exempts peers on private and loopback addresses from rate limits (its "local"
 * peer class). Inside a cluster every peer is on a private address, so the session puts all
 * addresses in the global class: the upload limit then applies to every peer.
 */
public final class SeedingSession implements AutoCloseable {

    private static final int ACTIVE_TORRENTS = 100_000;

    private final SessionManager session;
    private final Map<InfoHash, TorrentHandle> seeded = new ConcurrentHashMap<>();

    private SeedingSession(SessionManager session) {
        this.session = session;
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
        if (uploadBytesPerSecond < 0) {
            throw new IllegalArgumentException("upload limit must not be negative");
        }
        NativeLibrary.prepare();
        SettingsPack settings = new SettingsPack();
        settings.setBoolean(settings_pack.bool_types.enable_outgoing_utp.swigValue(), false);
        settings.setBoolean(settings_pack.bool_types.enable_incoming_utp.swigValue(), false);
        settings.setBoolean(settings_pack.bool_types.enable_upnp.swigValue(), false);
        settings.setBoolean(settings_pack.bool_types.enable_natpmp.swigValue(), false);
        settings.setBoolean(settings_pack.bool_types.enable_lsd.swigValue(), false);
        settings.setBoolean(settings_pack.bool_types.enable_dht.swigValue(), false);
        settings.setBoolean(
                settings_pack.bool_types.allow_multiple_connections_per_ip.swigValue(), true);
        settings.setString(settings_pack.string_types.listen_interfaces.swigValue(),
                listenHost + ":" + listenPort);
        settings.uploadRateLimit(uploadBytesPerSecond);
        // libtorrent queues auto-managed torrents beyond 5 active seeds by default; a seeder
        // holds hundreds of blobs and every one must stay announced and seeding.
        settings.activeSeeds(ACTIVE_TORRENTS);
        settings.activeLimit(ACTIVE_TORRENTS);
        settings.activeTrackerLimit(ACTIVE_TORRENTS);
        SessionManager session = new SessionManager(false);
        session.start(new SessionParams(settings));
        everyPeerGlobal(session);
        return new SeedingSession(session);
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

    private static void everyPeerGlobal(SessionManager session) {
        ip_filter filter = new ip_filter();
        error_code ec = new error_code();
        long globalClass = 1L << 0; // libtorrent's global_peer_class_id is 0
        filter.add_rule(address.from_string("0.0.0.0", ec), address.from_string(
                "255.255.255.255", ec), globalClass);
        filter.add_rule(address.from_string("::", ec), address.from_string(
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ec), globalClass);
        if (ec.value() != 0) {
            throw new IllegalStateException("cannot build the peer class filter: " + ec.message());
        }
        session.swig().set_peer_class_filter(filter);
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
