package io.rackswarm.torrent;

import org.libtorrent4j.SessionManager;
import org.libtorrent4j.SessionParams;
import org.libtorrent4j.SettingsPack;
import org.libtorrent4j.alerts.TrackerErrorAlert;
import org.libtorrent4j.swig.address;
import org.libtorrent4j.swig.error_code;
import org.libtorrent4j.swig.ip_filter;
import org.libtorrent4j.swig.settings_pack;

/**
 * A libtorrent session set up for a datacenter, as both the seeder and the agent run it.
 *
 * <ul>
 *   <li>TCP only: uTP ran at 8 MB/s on loopback against 115 MB/s for TCP.
 *   <li>No DHT, local discovery, UPnP or NAT-PMP: torrents are private and peers come from the
 *       tracker only.
 *   <li>Several connections per address (nodes behind one address, and tests on loopback).
 *   <li>The tracker's {@code interval} is obeyed: libtorrent otherwise re-announces no more
 *       often than every 300 s, while the tracker forgets a silent peer after well under that.
 *   <li>No cap on active torrents: libtorrent queues auto-managed torrents beyond a handful,
 *       and every cached blob must stay announced.
 *   <li>Every address is in libtorrent's global peer class. libtorrent exempts peers on private
 *       and loopback addresses from rate limits; inside a cluster every peer is on one, so
 *       without this the caps would cap nothing.
 * </ul>
 */
public final class DatacenterSession {

    private static final int ACTIVE_TORRENTS = 100_000;
    private static final int SEND_BUFFER_BYTES = 8 * 1024 * 1024;
    private static final int DISK_QUEUE_BYTES = 16 * 1024 * 1024;
    private static final int ALERT_QUEUE = 100_000;

    private DatacenterSession() {
    }

    /**
     * Starts a session.
     *
     * @param limits what the session may send and receive, and how it names itself
     */
    public static SessionManager start(Settings limits) {
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
                limits.listenHost() + ":" + limits.listenPort());
        settings.setString(settings_pack.string_types.peer_fingerprint.swigValue(),
                limits.peerIdPrefix());
        settings.setInteger(settings_pack.int_types.min_announce_interval.swigValue(),
                limits.minAnnounceSeconds());
        // A datacenter link moves tens of MB/s over one connection; libtorrent's defaults (500 KiB
        // of send buffer, 1 MiB of writes queued to disk) hold a single peer below that.
        settings.setInteger(settings_pack.int_types.send_buffer_watermark.swigValue(),
                SEND_BUFFER_BYTES);
        settings.setInteger(settings_pack.int_types.send_buffer_low_watermark.swigValue(),
                SEND_BUFFER_BYTES / 8);
        settings.setInteger(settings_pack.int_types.max_queued_disk_bytes.swigValue(),
                DISK_QUEUE_BYTES);
        // Every block alert counts bytes by source; the default queue of 2000 drops some.
        settings.setInteger(settings_pack.int_types.alert_queue_size.swigValue(), ALERT_QUEUE);
        settings.uploadRateLimit((int) limits.uploadBytesPerSecond());
        settings.downloadRateLimit((int) limits.downloadBytesPerSecond());
        settings.activeSeeds(ACTIVE_TORRENTS);
        settings.activeDownloads(ACTIVE_TORRENTS);
        settings.activeLimit(ACTIVE_TORRENTS);
        settings.activeTrackerLimit(ACTIVE_TORRENTS);
        SettingOverrides.fromEnvironment().applyTo(settings);
        SessionManager session = new SessionManager(false);
        SessionParams params = new SessionParams(settings);
        if (posixDiskIo()) {
            params.setPosixDiskIO();
        }
        session.start(params);
        everyPeerGlobal(session);
        return session;
    }

    /**
     * libtorrent 2.0 maps the files it writes into memory ({@code mmap}, the default), so the
     * blob's pages count in the process's RSS; {@code RACKSWARM_LIBTORRENT_DISK_IO=posix} writes
     * with plain file calls instead: the RSS stays at the process's own memory, costing 10-15 %
     * of the throughput of an unshaped loopback pull (BENCHMARKS.md).
     */
    private static boolean posixDiskIo() {
        String mode = System.getenv("RACKSWARM_LIBTORRENT_DISK_IO");
        if (mode == null || mode.isBlank() || mode.equals("mmap")) {
            return false;
        }
        if (mode.equals("posix")) {
            return true;
        }
        throw new IllegalArgumentException("RACKSWARM_LIBTORRENT_DISK_IO is mmap or posix, not '"
                + mode + "'");
    }

    /**
     * Whether the tracker refused an announce because it has no registration of the torrent
     * (its failure reason starts "unregistered torrent"): the seeder then registers again, the
     * agent asks again soon.
     */
    public static boolean isUnregistered(TrackerErrorAlert alert) {
        return alert.errorMessage().contains("unregistered torrent");
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

    /**
     * How a session listens, limits itself and names itself.
     *
     * @param listenHost address peers reach this session on
     * @param listenPort TCP port; libtorrent refuses ports below 1024 except 80 and 443
     * @param uploadBytesPerSecond cap on what the session sends to all peers together; 0 for
     *     none
     * @param downloadBytesPerSecond cap on what it receives; 0 for none
     * @param peerIdPrefix the start of this session's peer ids (at most 20 ASCII characters),
     *     which lets other rackswarm peers tell seeders and racks apart
     * @param minAnnounceSeconds the shortest re-announce interval libtorrent accepts from the
     *     tracker
     */
    public record Settings(String listenHost, int listenPort, long uploadBytesPerSecond,
            long downloadBytesPerSecond, String peerIdPrefix, int minAnnounceSeconds) {

        public Settings {
            if (listenPort <= 0 || listenPort > 65535) {
                throw new IllegalArgumentException("peer port out of range: " + listenPort);
            }
            if (uploadBytesPerSecond < 0 || downloadBytesPerSecond < 0) {
                throw new IllegalArgumentException("rate limits must not be negative");
            }
            if (uploadBytesPerSecond > Integer.MAX_VALUE
                    || downloadBytesPerSecond > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("libtorrent takes rate limits up to "
                        + Integer.MAX_VALUE + " bytes/s");
            }
            if (peerIdPrefix.length() > 20 || !peerIdPrefix.chars().allMatch(c -> c > 32
                    && c < 127)) {
                throw new IllegalArgumentException("peer id prefix must be at most 20 printable "
                        + "ASCII characters: " + peerIdPrefix);
            }
            if (minAnnounceSeconds < 1) {
                throw new IllegalArgumentException("minimum announce interval must be at least "
                        + "1 s: " + minAnnounceSeconds);
            }
        }
    }
}
