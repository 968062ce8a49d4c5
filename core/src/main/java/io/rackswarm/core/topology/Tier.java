package io.rackswarm.core.topology;

/**
 * The levels of the network, innermost first. Traffic inside a rack is cheap; every tier
 * outward crosses a more expensive, more shared link.
 */
public enum Tier {
    RACK,
    ZONE,
    REGION;

    /** The next tier outward, or null above the outermost. */
    public Tier outer() {
        return this == REGION ? null : values()[ordinal() + 1];
    }
}
