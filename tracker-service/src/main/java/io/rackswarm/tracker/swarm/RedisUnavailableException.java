package io.rackswarm.tracker.swarm;

/**
 * Redis did not answer in time, or too many commands were already waiting for it: the announce
 * fails with "tracker temporarily unavailable" and the client retries.
 */
public final class RedisUnavailableException extends RuntimeException {

    public RedisUnavailableException(String message) {
        super(message, null, false, false);
    }
}
