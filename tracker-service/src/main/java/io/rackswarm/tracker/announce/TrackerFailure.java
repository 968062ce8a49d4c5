package io.rackswarm.tracker.announce;

/**
 * A request the tracker refuses. The message goes to the client verbatim as the bencoded
 * {@code failure reason}; the kind labels the metric.
 */
public final class TrackerFailure extends RuntimeException {

    /** Why a request failed, as counted in metrics. */
    public enum Kind {
        BAD_REQUEST, UNAUTHORIZED, UNREGISTERED, UNAVAILABLE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Kind kind;

    public TrackerFailure(Kind kind, String reason) {
        super(reason, null, false, false);
        this.kind = kind;
    }

    public static TrackerFailure badRequest(String reason) {
        return new TrackerFailure(Kind.BAD_REQUEST, reason);
    }

    public Kind kind() {
        return kind;
    }
}
