package io.rackswarm.core.handout;

/**
 * Which link a handed-out peer connection would cross, from cheapest to dearest. Metrics count
 * handouts by link so operators can see the policy keep traffic inside racks.
 */
public enum Link {
    /** Both peers in one rack. */
    RACK,
    /** Rack representatives of one zone. */
    ZONE,
    /** Zone representatives of one region. */
    REGION,
    /** Region representatives of different regions. */
    CLUSTER,
    /** To or from a seeder-service replica. */
    ORIGIN,
    /** Chosen at random with topology ignored. */
    RANDOM;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
