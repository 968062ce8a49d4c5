package io.rackswarm.seeder.upstream;

/**
 * An upstream registry refused or failed a request. {@link #status()} is the HTTP status the
 * seeder should answer with (404 for unknown content, 401 for refused credentials, 502 for an
 * upstream that is down or misbehaves).
 */
public final class UpstreamException extends RuntimeException {

    private final int status;

    public UpstreamException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
