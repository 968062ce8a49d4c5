package io.rackswarm.tracker.announce;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        Map<String, List<byte[]>> params = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = new String(decode(eq < 0 ? pair : pair.substring(0, eq)),
                    StandardCharsets.UTF_8);
            byte[] value = eq < 0 ? new byte[0] : decode(pair.substring(eq + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        return new QueryString(params);
    }

    private static byte[] decode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw TrackerFailure.badRequest("bad percent-encoding: truncated escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw TrackerFailure.badRequest("bad percent-encoding: %" + s.charAt(i + 1)
                            + s.charAt(i + 2));
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x7e || c < 0x21) {
                throw TrackerFailure.badRequest("bad percent-encoding: unescaped character");
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
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
