package io.rackswarm.seeder.upstream;

import java.io.IOException;

/**
 * A blob's body could not be read from upstream to its end, even after resuming: the seeder
 * answers 502, as for any upstream failure.
 */
public final class UpstreamReadException extends IOException {

    public UpstreamReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
