package io.rackswarm.core.torrent;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Where a peer accepts BitTorrent connections: an IPv4 or IPv6 address and a TCP port. */
public record PeerEndpoint(InetAddress address, int port) {

    public PeerEndpoint {
        if (address == null) {
            throw new IllegalArgumentException("address is required");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    /**
     * Parses a numeric IPv4 or IPv6 literal. Host names are refused: resolving them would let a
     * request make the tracker issue DNS queries.
     */
    public static InetAddress parseAddress(String literal) {
        if (literal == null || literal.isEmpty() || literal.length() > 45
                || !literal.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("not an IP address literal: " + literal);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: " + literal);
        }
    }

    public static PeerEndpoint of(String ip, int port) {
        return new PeerEndpoint(parseAddress(ip), port);
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    /** BEP 23 (6 bytes) or BEP 7 (18 bytes) compact form: address then big-endian port. */
    public byte[] compact() {
        byte[] ip = address.getAddress();
        return ByteBuffer.allocate(ip.length + 2).put(ip).putShort((short) port).array();
    }

    /** Textual address without a host name part, as put in non-compact peer lists. */
    public String ip() {
        return address.getHostAddress();
    }
}
