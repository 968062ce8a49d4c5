package io.rackswarm.core.topology;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a node sits: region, zone and rack, read from its Kubernetes labels
 * ({@code topology.kubernetes.io/region}, {@code topology.kubernetes.io/zone} and a rack label).
 * Each part is empty when unknown; a rack only means something inside its zone, and a zone inside
 * its region, so the groups compare the whole path.
 */
public record Location(String region, String zone, String rack) {

    /** Kubernetes label value syntax, which is also safe inside Redis keys and records. */
    private static final Pattern LABEL_VALUE =
            Pattern.compile("([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?");

    /** A node without topology labels. */
    public static final Location UNKNOWN = new Location("", "", "");

    public Location {
        region = check("region", region);
        zone = check("zone", zone);
        rack = check("rack", rack);
    }

    private static String check(String part, String value) {
        String v = Objects.requireNonNullElse(value, "");
        if (!LABEL_VALUE.matcher(v).matches()) {
            throw new IllegalArgumentException(part + " must be a Kubernetes label value "
                    + "(at most 63 of A-Z a-z 0-9 - _ . , alphanumeric at both ends): " + value);
        }
        return v;
    }

    public boolean isKnown() {
        return !region.isEmpty() || !zone.isEmpty() || !rack.isEmpty();
    }

    /** The group key of this location at a tier: peers with equal keys share that group. */
    public String groupKey(Tier tier) {
        return switch (tier) {
            case RACK -> region + "/" + zone + "/" + rack;
            case ZONE -> region + "/" + zone;
            case REGION -> region;
        };
    }

    @Override
    public String toString() {
        return isKnown() ? region + "/" + zone + "/" + rack : "unknown";
    }
}
