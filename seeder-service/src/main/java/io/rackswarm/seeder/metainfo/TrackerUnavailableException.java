package io.rackswarm.seeder.metainfo;

/** The tracker did not take a registration; serving goes on and the registration is retried. */
public final class TrackerUnavailableException extends RuntimeException {

    public TrackerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
