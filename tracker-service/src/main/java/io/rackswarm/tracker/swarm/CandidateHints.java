package io.rackswarm.tracker.swarm;

import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.core.torrent.PeerId;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which peers were representative candidates at their last announce through this replica, so
 * that their next announce can read the representatives' view with a plain command beside the
 * script instead of through Lua, where every record is copied in and out again (18 % of
 * Redis's work per announce in the benchmark, BENCHMARKS.md).
 *
 * <p>A hint, never state: the script decides who is a candidate. A peer with no hint (first
 * announce, another replica, a promotion) gets its view from the script as before; a wrong hint
 * costs one read whose answer is dropped. One bit per slot of a fixed table, so memory is bounded
 * whatever the number of swarms and peers; two peers that share a slot only make a hint wrong.
 */
final class CandidateHints {

    /** 2^23 slots (1 MiB): with 100,000 candidates about 1 % of other peers share a slot. */
    private static final int SLOT_BITS = 23;

    private final AtomicLongArray bits = new AtomicLongArray(1 << (SLOT_BITS - 6));

    boolean candidate(InfoHash infoHash, PeerId peer) {
        int slot = slot(infoHash, peer);
        return (bits.get(slot >>> 6) & (1L << slot)) != 0;
    }

    void remember(InfoHash infoHash, PeerId peer, boolean candidate) {
        int slot = slot(infoHash, peer);
        long bit = 1L << slot;
        int word = slot >>> 6;
        long now = bits.get(word);
        if (((now & bit) != 0) != candidate) {
            bits.getAndUpdate(word, w -> candidate ? w | bit : w & ~bit);
        }
    }

    /** Both halves' hash codes, mixed: peer ids are far from uniform (prefixes, counters). */
    private static int slot(InfoHash infoHash, PeerId peer) {
        long h = (long) infoHash.hashCode() << 32 ^ (peer.hashCode() & 0xffffffffL);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) (h >>> (64 - SLOT_BITS));
    }
}
