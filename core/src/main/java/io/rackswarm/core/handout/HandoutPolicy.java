package io.rackswarm.core.handout;

import java.util.random.RandomGenerator;

/**
 * Chooses which peers an announcing peer is told about. Implementations are pure functions of
 * their arguments so that the tracker, tests and simulators run the same code.
 */
public interface HandoutPolicy {

    /**
     * @param view the announcing peer and the part of its swarm the store returned
     * @param numwant at most this many peers are returned
     * @param nowMillis the time of the announce
     * @param random source of the shuffles that spread load over equally good peers
     */
    Handout handout(SwarmView view, int numwant, long nowMillis, RandomGenerator random);

    /** The policy configured by name: {@code topology} (default) or {@code random}. */
    static HandoutPolicy named(String name, HandoutSettings settings) {
        return switch (name) {
            case "topology" -> new TopologyAwarePolicy(settings, false);
            case "topology-chain" -> new TopologyAwarePolicy(settings, true);
            case "random" -> new RandomPolicy();
            default -> throw new IllegalArgumentException("unknown handout policy '" + name
                    + "' (expected topology, topology-chain or random)");
        };
    }
}
