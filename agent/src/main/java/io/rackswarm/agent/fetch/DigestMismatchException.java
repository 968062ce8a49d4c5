package io.rackswarm.agent.fetch;

import io.rackswarm.core.oci.Digest;

/** A download's bytes did not hash to the blob's digest; nothing was cached. */
public final class DigestMismatchException extends RuntimeException {

    public DigestMismatchException(Digest expected, String actualHex, long size) {
        super("blob " + expected + " arrived as sha256:" + actualHex + " (" + size
                + " bytes); discarded");
    }
}
