package io.rackswarm.core.cache;

/**
 * A blob stream that knows how long the blob says it is before any byte is read (an HTTP
 * response's {@code Content-Length}): the cache reserves that much at once, so a blob larger than
 * the budget is refused before it is downloaded, and a source that sends more is cut off.
 */
public interface DeclaredLength {

    /** The announced length in bytes, or -1 when the source did not say. */
    long declaredLength();
}
