package io.rackswarm.core.cache;

/**
 * Sees a blob's bytes in order as the cache stores them, so that work over the bytes (the
 * seeder's piece hashes) needs no second read of the file.
 */
@FunctionalInterface
public interface BlobTap {

    void write(byte[] b, int off, int len);
}
