package io.rackswarm.core.handout;

import java.util.List;

/**
 * The part of a swarm the policy needs to answer one announce.
 *
 * <p>{@code peers} holds the agents the store returned: all of the announcing peer's rack (up to
 * a bound) and, for every other rack, its most senior members (enough to find its
 * representatives). {@code origins} holds the seeder-service replicas.
 *
 * @param self the announcing peer, already updated with this announce
 * @param blobSize size of the torrent's content in bytes, 0 when unknown
 */
public record SwarmView(PeerState self, List<PeerState> peers, List<PeerState> origins,
        long blobSize) {

    public SwarmView {
        if (self == null) {
            throw new IllegalArgumentException("self is required");
        }
        peers = List.copyOf(peers);
        origins = List.copyOf(origins);
        if (blobSize < 0) {
            throw new IllegalArgumentException("blobSize must not be negative");
        }
    }

    /** Whether a peer can give the announcing peer anything: it holds at least one byte. */
    public boolean hasData(PeerState peer) {
        return peer.isSeed() || (blobSize > 0 && peer.left() < blobSize);
    }
}
