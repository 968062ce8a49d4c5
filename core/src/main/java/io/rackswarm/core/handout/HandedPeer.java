package io.rackswarm.core.handout;

/** One peer in an announce response and the link the connection to it would use. */
public record HandedPeer(PeerState peer, Link link) {
}
