package io.rackswarm.core.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A bencoded byte string. Byte strings are raw bytes, not text; they order by unsigned
 * lexicographic comparison, which is the order dictionary keys must appear in.
 */
public final class BString implements BValue, Comparable<BString> {

    private final byte[] bytes;

    private BString(byte[] bytes) {
        this.bytes = bytes;
    }

    public static BString of(byte[] bytes) {
        return new BString(bytes.clone());
    }

    public static BString of(String utf8) {
        return new BString(utf8.getBytes(StandardCharsets.UTF_8));
    }

    static BString wrap(byte[] bytes) {
        return new BString(bytes);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    byte[] unsafeBytes() {
        return bytes;
    }

    /** The bytes read as UTF-8; for keys and messages that are text by convention. */
    public String utf8() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public int compareTo(BString other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BString s && Arrays.equals(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                return "BString[hex:" + HexFormat.of().formatHex(bytes) + "]";
            }
        }
        return "BString[" + utf8() + "]";
    }
}
