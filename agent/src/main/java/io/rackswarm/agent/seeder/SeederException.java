package io.rackswarm.agent.seeder;

/**
 * A seeder did not deliver. {@link #status()} is 404 when the seeder (or its upstream) does not
 * have the content, 502 when it answered wrongly, 503 when it could not be reached in time.
 */
public final class SeederException extends RuntimeException {

    private final int status;

    public SeederException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
