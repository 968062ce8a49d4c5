package io.rackswarm.tracker.swarm;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What this replica saw at a swarm's last announces, as one bit per (swarm, subject) slot, so
 * that the next announce can send Redis cheaper commands: whether a peer was a representative
 * candidate (its view of the representatives is then read beside the script instead of through
 * Lua, where every record is copied in and out again), and whether a rack was larger than the
 * sample the tracker reads of it (else the whole rack is read with HVALS, values only).
 *
 * <p>A hint, never state: the script decides, and every answer is the same whether a hint is
 * right or wrong; a wrong one only costs a read whose answer is dropped or larger than needed.
 * A fixed table, so memory is bounded whatever the number of swarms and peers; two subjects that
 * share a slot only make a hint wrong.
 */
final class HintBits {

    /** 2^23 slots (1 MiB): with 100,000 subjects set about 1 % of others share a slot. */
    private static final int SLOT_BITS = 23;

    private final AtomicLongArray bits = new AtomicLongArray(1 << (SLOT_BITS - 6));

    /**
     * @param swarm the swarm's hash code
     * @param subject the hash code of the peer or the rack within it
     */
    boolean get(int swarm, int subject) {
        int slot = slot(swarm, subject);
        return (bits.get(slot >>> 6) & (1L << slot)) != 0;
    }

    void set(int swarm, int subject, boolean value) {
        int slot = slot(swarm, subject);
        long bit = 1L << slot;
        int word = slot >>> 6;
        long now = bits.get(word);
        if (((now & bit) != 0) != value) {
            bits.getAndUpdate(word, w -> value ? w | bit : w & ~bit);
        }
    }

    /** Both hash codes, mixed: peer ids are far from uniform (prefixes, counters). */
    private static int slot(int swarm, int subject) {
        long h = (long) swarm << 32 ^ (subject & 0xffffffffL);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) (h >>> (64 - SLOT_BITS));
    }
}
