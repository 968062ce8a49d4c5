package io.rackswarm.core.torrent;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Where a peer accepts BitTorrent connections: an IPv4 or IPv6 address and a TCP port. */
public record PeerEndpoint(InetAddress address, int port) {

    private static final java.util.regex.Pattern IP_CHARS =
            java.util.regex.Pattern.compile("[0-9A-Fa-f:.]+");

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
        if (literal == null || literal.isEmpty() || literal.length() > 45) {
            throw new IllegalArgumentException("not an IP address literal: " + literal);
        }
        byte[] v4 = ipv4(literal);
        if (v4 != null) {
            try {
                return InetAddress.getByAddress(v4);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four bytes are always an address", e);
            }
        }
        if (literal.indexOf(':') < 0 || !IP_CHARS.matcher(literal).matches()) {
            throw new IllegalArgumentException("not an IP address literal: " + literal);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: " + literal);
        }
    }

    /** Dotted-quad IPv4 without leading zeros, or null when the literal is anything else. */
    private static byte[] ipv4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || part > 3) {
                    return null;
                }
                out[part++] = (byte) value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                if (value == 0) {
                    return null;
                }
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
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
