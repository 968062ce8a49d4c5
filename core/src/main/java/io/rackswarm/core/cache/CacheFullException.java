package io.rackswarm.core.cache;

/** The blob does not fit: the budget is taken by blobs in use, or the disk is full. */
public final class CacheFullException extends RuntimeException {

    public CacheFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
