package io.rackswarm.core.ring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which seeder replicas own a blob: rendezvous (highest random weight) hashing, as Kraken places
 * blobs on its origins. Each replica scores each key; the k best scores own it. When a replica
 * joins or leaves, only the keys it owns move, and every replica computes the same owners from
 * the same member list without talking to the others.
 */
public final class RendezvousRing {

    private final List<String> members;
    private final int owners;

    /**
     * @param members replica names, e.g. the StatefulSet's pod names
     * @param owners k: how many replicas own each key (fewer if there are fewer members)
     */
    public RendezvousRing(List<String> members, int owners) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a ring needs at least one member");
        }
        if (owners < 1) {
            throw new IllegalArgumentException("owners must be at least 1: " + owners);
        }
        if (members.stream().distinct().count() != members.size()) {
            throw new IllegalArgumentException("ring members must be distinct: " + members);
        }
        this.members = List.copyOf(members);
        this.owners = owners;
    }

    /** The owners of a key, best first. */
    public List<String> ownersOf(String key) {
        List<String> ranked = new ArrayList<>(members);
        ranked.sort(Comparator.comparingLong((String m) -> score(m, key)).reversed()
                .thenComparing(Comparator.naturalOrder()));
        return List.copyOf(ranked.subList(0, Math.min(owners, ranked.size())));
    }

    private static long score(String member, String key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(member.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            byte[] h = sha.digest(key.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
