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

    /**
     * What went wrong, for a message: the exception's own message, or its kind when it has none
     * (a refused connection's is often null, which read ": null").
     */
    public static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
