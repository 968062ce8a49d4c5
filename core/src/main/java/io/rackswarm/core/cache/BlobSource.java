package io.rackswarm.core.cache;

import io.rackswarm.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;

/** Where the cache gets a blob it does not hold: an upstream registry, another replica. */
@FunctionalInterface
public interface BlobSource {

    /** Opens the blob's bytes; the cache closes the stream. */
    InputStream open(Digest digest) throws IOException;
}
