package io.rackswarm.tracker.announce;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * CIDR blocks whose requests may name the peer's address with the {@code ip} parameter. From
 * anywhere else, the address the request came from is the peer's address, so a client cannot
 * point a swarm at a third party. Matching is Netty's subnet rule.
 */
public final class TrustedNetworks {

    private final List<IpSubnetFilterRule> blocks;

    private TrustedNetworks(List<IpSubnetFilterRule> blocks) {
        this.blocks = blocks;
    }

    public static TrustedNetworks parse(List<String> cidrs) {
        return new TrustedNetworks(cidrs.stream().map(TrustedNetworks::block).toList());
    }

    private static IpSubnetFilterRule block(String cidr) {
        String[] parts = cidr.trim().split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("trusted network must be CIDR (a.b.c.d/n): " + cidr);
        }
        InetAddress net = io.rackswarm.core.torrent.PeerEndpoint.parseAddress(parts[0]);
        int prefix;
        try {
            prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in " + cidr);
        }
        if (prefix < 0 || prefix > net.getAddress().length * 8) {
            throw new IllegalArgumentException("bad prefix length in " + cidr);
        }
        return new IpSubnetFilterRule(net, prefix, IpFilterRuleType.ACCEPT);
    }

    public boolean contains(InetAddress address) {
        InetSocketAddress at = new InetSocketAddress(address, 0);
        for (IpSubnetFilterRule b : blocks) {
            if (b.matches(at)) {
                return true;
            }
        }
        return false;
    }
}
