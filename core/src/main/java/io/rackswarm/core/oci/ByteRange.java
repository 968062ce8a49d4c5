package io.rackswarm.core.oci;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One satisfiable byte range of a blob, from an HTTP {@code Range} header (RFC 9110 section 14),
 * as registries serve them: a single {@code bytes=} range is honoured; other units and several
 * ranges are ignored (the whole blob is sent); a range that starts past the end cannot be
 * satisfied.
 *
 * @param first the first byte sent
 * @param last the last byte sent, inclusive
 */
public record ByteRange(long first, long last) {

    private static final Pattern SINGLE = Pattern.compile("bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)");

    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("invalid byte range " + first + "-" + last);
        }
    }

    /** A {@code Range} the blob cannot satisfy: answer 416 with {@code bytes *&#47;size}. */
    public static final class NotSatisfiable extends RuntimeException {
        public NotSatisfiable(String header, long size) {
            super("range " + header + " is outside the blob's " + size + " bytes");
        }
    }

    /**
     * @param header the {@code Range} header, or null
     * @return the range to send, or empty for the whole blob
     * @throws NotSatisfiable when the range lies outside the blob
     */
    public static Optional<ByteRange> parse(String header, long size) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Optional.empty();
        }
        if (m.group(1).isEmpty()) {
            long suffix = number(m.group(2));
            if (suffix == 0 || size == 0) {
                throw new NotSatisfiable(header, size);
            }
            return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
        }
        long first = number(m.group(1));
        long last = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, number(m.group(2)));
        if (first >= size || (!m.group(2).isEmpty() && number(m.group(2)) < first)) {
            throw new NotSatisfiable(header, size);
        }
        return Optional.of(new ByteRange(first, last));
    }

    /** Digits that do not fit a long are a position past any blob. */
    private static long number(String digits) {
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    public long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} header value. */
    public String contentRange(long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }
}
