package io.rackswarm.tracker;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the tracker. Quarkus rejects URIs that {@link java.net.URI} cannot parse with an empty
 * HTTP 400 before any route runs; BitTorrent clients must instead get a bencoded failure reason
 * naming the bad percent-encoding, so the tracker parses query strings itself.
 */
@QuarkusMain
public final class TrackerMain {

    /** Quarkus reads this property when the HTTP server starts. */
    public static final String DISABLE_URI_VALIDATION = "vertx.disableURIValidation";

    private TrackerMain() {
    }

    public static void main(String... args) {
        System.setProperty(DISABLE_URI_VALIDATION, "true");
        Quarkus.run(args);
    }
}
