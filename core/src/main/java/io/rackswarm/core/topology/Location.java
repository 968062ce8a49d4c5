package io.rackswarm.core.topology;

import java.util.Objects;

/**
 * Where a node sits: region, zone and rack, read from its Kubernetes labels
 * ({@code topology.kubernetes.io/region}, {@code topology.kubernetes.io/zone} and a rack label).
 * Each part is empty when unknown; a rack only means something inside its zone, and a zone inside
 * its region, so the groups compare the whole path.
 *
 * <p>A value class rather than a record so that it can hold its group keys: the handout policy
 * asks for them for every peer of every announce.
 */
public final class Location {

    /** A node without topology labels. */
    public static final Location UNKNOWN = new Location("", "", "");

    private static final int MAX_LABEL = 63;

    private final String region;
    private final String zone;
    private final String rack;
    private final String zoneKey;
    private final String rackKey;

    public Location(String region, String zone, String rack) {
        this.region = check("region", region);
        this.zone = check("zone", zone);
        this.rack = check("rack", rack);
        this.zoneKey = this.region + "/" + this.zone;
        this.rackKey = zoneKey + "/" + this.rack;
    }

    /**
     * Kubernetes label value syntax, which is also safe inside Redis keys and records: empty, or
     * at most 63 of A-Z a-z 0-9 - _ . with alphanumerics at both ends.
     */
    private static String check(String part, String value) {
        String v = Objects.requireNonNullElse(value, "");
        if (!isLabelValue(v)) {
            throw new IllegalArgumentException(part + " must be a Kubernetes label value "
                    + "(at most 63 of A-Z a-z 0-9 - _ . , alphanumeric at both ends): " + value);
        }
        return v;
    }

    static boolean isLabelValue(String v) {
        int n = v.length();
        if (n == 0) {
            return true;
        }
        if (n > MAX_LABEL || !isAlphanumeric(v.charAt(0)) || !isAlphanumeric(v.charAt(n - 1))) {
            return false;
        }
        for (int i = 1; i < n - 1; i++) {
            char c = v.charAt(i);
            if (!isAlphanumeric(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    public String region() {
        return region;
    }

    public String zone() {
        return zone;
    }

    public String rack() {
        return rack;
    }

    public boolean isKnown() {
        return !region.isEmpty() || !zone.isEmpty() || !rack.isEmpty();
    }

    /** The group key of this location at a tier: peers with equal keys share that group. */
    public String groupKey(Tier tier) {
        return switch (tier) {
            case RACK -> rackKey;
            case ZONE -> zoneKey;
            case REGION -> region;
        };
    }

    @Override
    public boolean equals(Object o) {
        // Labels cannot hold '/', so the rack key names exactly one region, zone and rack.
        return o instanceof Location other && rackKey.equals(other.rackKey);
    }

    @Override
    public int hashCode() {
        return rackKey.hashCode();
    }

    @Override
    public String toString() {
        return isKnown() ? rackKey : "unknown";
    }
}
