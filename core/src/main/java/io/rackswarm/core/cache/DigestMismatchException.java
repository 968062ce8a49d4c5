package io.rackswarm.core.cache;

import io.rackswarm.core.oci.Digest;

/** A source sent bytes that do not hash to the digest asked for; nothing was cached. */
public final class DigestMismatchException extends RuntimeException {

    public DigestMismatchException(Digest expected, String actualHex, long bytes) {
        super("blob " + expected + ": received " + bytes + " bytes hashing to sha256:"
                + actualHex + "; discarded");
    }
}
