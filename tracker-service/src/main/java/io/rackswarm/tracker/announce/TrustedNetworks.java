package io.rackswarm.tracker.announce;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;

/**
 * CIDR blocks whose requests may name the peer's address with the {@code ip} parameter. From
 * anywhere else, the address the request came from is the peer's address, so a client cannot
 * point a swarm at a third party.
 */
public final class TrustedNetworks {

    private record Block(byte[] network, int prefix) {
    }

    private final List<Block> blocks;

    private TrustedNetworks(List<Block> blocks) {
        this.blocks = blocks;
    }

    public static TrustedNetworks parse(List<String> cidrs) {
        return new TrustedNetworks(cidrs.stream().map(TrustedNetworks::block).toList());
    }

    private static Block block(String cidr) {
        String[] parts = cidr.trim().split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("trusted network must be CIDR (a.b.c.d/n): " + cidr);
        }
        byte[] net = io.rackswarm.core.torrent.PeerEndpoint.parseAddress(parts[0]).getAddress();
        int prefix;
        try {
            prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + cidr);
        }
        if (prefix < 0 || prefix > net.length * 8) {
            throw new IllegalArgumentException("bad prefix length in " + cidr);
        }
        return new Block(net, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        for (Block b : blocks) {
            if (b.network().length == a.length && samePrefix(a, b.network(), b.prefix())) {
                return true;
            }
        }
        return false;
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        if (bits == 0) {
            return true;
        }
        BigInteger mask = BigInteger.ONE.shiftLeft(a.length * 8).subtract(BigInteger.ONE)
                .shiftRight(bits).not();
        return new BigInteger(1, a).and(mask).equals(new BigInteger(1, b).and(mask));
    }
}
