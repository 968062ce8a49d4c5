package io.rackswarm.tracker.announce;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A raw query string decoded to bytes. Tracker parameters such as {@code info_hash} are binary,
 * so they cannot go through a text decoder. Percent escapes must be complete and hexadecimal;
 * {@code +} stays a plus sign (RFC 3986), since a binary value may contain byte 0x2b.
 */
public final class QueryString {

    private final Map<String, List<byte[]>> params;

    private QueryString(Map<String, List<byte[]>> params) {
        this.params = params;
    }

    public static QueryString parse(String raw, int maxBytes) {
        if (raw == null || raw.isEmpty()) {
            return new QueryString(Map.of());
        }
        if (raw.length() > maxBytes) {
            throw TrackerFailure.badRequest("query string longer than " + maxBytes + " bytes");
        }
        Map<String, List<byte[]>> params = new HashMap<>();
        int from = 0;
        while (from <= raw.length()) {
            int amp = raw.indexOf('&', from);
            int end = amp < 0 ? raw.length() : amp;
            if (end > from) {
                int eq = raw.indexOf('=', from);
                int nameEnd = eq < 0 || eq > end ? end : eq;
                String name = new String(decode(raw, from, nameEnd), StandardCharsets.UTF_8);
                byte[] value = nameEnd == end ? EMPTY : decode(raw, nameEnd + 1, end);
                params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            from = end + 1;
        }
        return new QueryString(params);
    }

    private static final byte[] EMPTY = new byte[0];

    /** Decodes {@code raw[from, to)}, read in place. */
    private static byte[] decode(String raw, int from, int to) {
        byte[] out = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= to) {
                    throw TrackerFailure.badRequest("bad percent-encoding: truncated escape");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw TrackerFailure.badRequest("bad percent-encoding: %"
                            + raw.charAt(i + 1) + raw.charAt(i + 2));
                }
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c > 0x7e || c < 0x21) {
                throw TrackerFailure.badRequest("bad percent-encoding: unescaped character");
            } else {
                out[n++] = (byte) c;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** The single value of a parameter, or null when absent; repeating it is an error. */
    public byte[] single(String name) {
        List<byte[]> values = params.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw TrackerFailure.badRequest(name + " given more than once");
        }
        return values.get(0);
    }

    public String text(String name) {
        byte[] v = single(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    public List<byte[]> all(String name) {
        return params.getOrDefault(name, List.of());
    }
}
