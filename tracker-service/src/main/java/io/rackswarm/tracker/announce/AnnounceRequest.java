package io.rackswarm.tracker.announce;

import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.core.torrent.PeerEndpoint;
import io.rackswarm.core.torrent.PeerId;
import io.rackswarm.tracker.swarm.Announcement.Event;
import java.net.InetAddress;

/**
 * A parsed announce (BEP 3, plus rackswarm's {@code rack}, {@code zone}, {@code region} and
 * {@code token}). Parsing is strict: each problem becomes a {@link TrackerFailure} naming it.
 *
 * @param numwant requested peer count, already capped
 * @param numwantCapped whether the client asked for more than the cap
 */
public record AnnounceRequest(InfoHash infoHash, PeerId peerId, PeerEndpoint endpoint,
        long uploaded, long downloaded, long left, Event event, int numwant,
        boolean numwantCapped, boolean compact, boolean noPeerId, Location location,
        String token) {

    /** Limits and trust the parser applies. */
    public record Limits(int defaultNumwant, int maxNumwant, TrustedNetworks trusted) {
    }

    public static AnnounceRequest parse(QueryString q, InetAddress remote, Limits limits) {
        InfoHash infoHash = InfoHash.of(required(q, "info_hash", InfoHash.LENGTH));
        PeerId peerId = PeerId.of(required(q, "peer_id", PeerId.LENGTH));
        long port = counter(q, "port", true);
        if (port < 1 || port > 65535) {
            throw TrackerFailure.badRequest("port must be 1..65535, got " + port);
        }
        long uploaded = counter(q, "uploaded", true);
        long downloaded = counter(q, "downloaded", true);
        long left = counter(q, "left", true);
        Event event = event(q.text("event"));
        long numwant = counter(q, "numwant", false);
        if (numwant > Integer.MAX_VALUE) {
            throw TrackerFailure.badRequest("numwant is too large: " + numwant);
        }
        int wanted = numwant < 0 ? limits.defaultNumwant() : (int) numwant;
        boolean capped = wanted > limits.maxNumwant();
        String compact = q.text("compact");
        if (compact != null && !compact.equals("0") && !compact.equals("1")) {
            throw TrackerFailure.badRequest("compact must be 0 or 1");
        }
        Location location;
        try {
            location = new Location(q.text("region"), q.text("zone"), q.text("rack"));
        } catch (IllegalArgumentException e) {
            throw TrackerFailure.badRequest(e.getMessage());
        }
        String token = q.text("token");
        if (token == null || token.isEmpty()) {
            throw new TrackerFailure(TrackerFailure.Kind.UNAUTHORIZED,
                    "missing token: this is a private tracker");
        }
        return new AnnounceRequest(infoHash, peerId,
                new PeerEndpoint(address(q, remote, limits.trusted()), (int) port),
                uploaded, downloaded, left, event, Math.min(wanted, limits.maxNumwant()), capped,
                !"0".equals(compact), "1".equals(q.text("no_peer_id")), location, token);
    }

    private static byte[] required(QueryString q, String name, int length) {
        byte[] v = q.single(name);
        if (v == null) {
            throw TrackerFailure.badRequest("missing " + name);
        }
        if (v.length != length) {
            throw TrackerFailure.badRequest(
                    name + " must be " + length + " bytes, got " + v.length);
        }
        return v;
    }

    /** A non-negative decimal; -1 when absent and optional. */
    private static long counter(QueryString q, String name, boolean required) {
        String v = q.text(name);
        if (v == null) {
            if (required) {
                throw TrackerFailure.badRequest("missing " + name);
            }
            return -1;
        }
        if (!digits(v)) {
            throw TrackerFailure.badRequest(name + " must be a non-negative integer");
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw TrackerFailure.badRequest(name + " is too large");
        }
    }

    /** 1 to 19 ASCII digits: what a counter may be before it is parsed. */
    private static boolean digits(String v) {
        int n = v.length();
        if (n == 0 || n > 19) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static Event event(String v) {
        if (v == null || v.isEmpty() || v.equals("paused")) {
            return Event.NONE;
        }
        return switch (v) {
            case "started" -> Event.STARTED;
            case "completed" -> Event.COMPLETED;
            case "stopped" -> Event.STOPPED;
            default -> throw TrackerFailure.badRequest("unknown event: " + v);
        };
    }

    private static InetAddress address(QueryString q, InetAddress remote, TrustedNetworks trusted) {
        String ip = q.text("ip");
        if (ip == null || !trusted.contains(remote)) {
            return remote;
        }
        try {
            return PeerEndpoint.parseAddress(ip);
        } catch (IllegalArgumentException e) {
            throw TrackerFailure.badRequest("ip must be an IPv4 or IPv6 address literal");
        }
    }
}
