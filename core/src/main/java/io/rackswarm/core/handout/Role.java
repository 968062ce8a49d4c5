package io.rackswarm.core.handout;

/**
 * The announcing peer's place in the swarm's tree of representatives. Each role includes the
 * ones before it: a region representative is also a zone and a rack representative.
 */
public enum Role {
    MEMBER,
    RACK_REPRESENTATIVE,
    ZONE_REPRESENTATIVE,
    REGION_REPRESENTATIVE,
    ORIGIN;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
