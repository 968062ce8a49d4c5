package io.rackswarm.core.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Strict bencode (BEP 3). Decoding accepts only the canonical encoding: no leading zeros, no
 * negative zero, dictionary keys strictly ascending (so no duplicates), no bytes after the
 * value. Because of that, {@code encode(decode(b))} equals {@code b} for every accepted input,
 * which is what makes info-hashes computed from decoded metainfo trustworthy.
 */
public final class Bencode {

    private Bencode() {
    }

    public static byte[] encode(BValue value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(value, out);
        return out.toByteArray();
    }

    public static BValue decode(byte[] input) {
        return decode(input, BencodeLimits.DEFAULT);
    }

    public static BValue decode(byte[] input, BencodeLimits limits) {
        if (input.length > limits.maxInputBytes()) {
            throw new BencodeException(
                    "input of " + input.length + " bytes exceeds the limit of "
                            + limits.maxInputBytes(), 0);
        }
        Decoder decoder = new Decoder(input, limits.maxDepth());
        BValue value = decoder.value(0);
        if (decoder.pos != input.length) {
            throw new BencodeException("trailing bytes after the value", decoder.pos);
        }
        return value;
    }

    private static void write(BValue value, ByteArrayOutputStream out) {
        if (value instanceof BInteger i) {
            writeAscii(out, "i" + i.value() + "e");
        } else if (value instanceof BString s) {
            writeAscii(out, s.length() + ":");
            out.writeBytes(s.unsafeBytes());
        } else if (value instanceof BList l) {
            out.write('l');
            for (BValue v : l.values()) {
                write(v, out);
            }
            out.write('e');
        } else if (value instanceof BDict d) {
            out.write('d');
            for (Map.Entry<BString, BValue> e : d.entries().entrySet()) {
                write(e.getKey(), out);
                write(e.getValue(), out);
            }
            out.write('e');
        }
    }

    private static void writeAscii(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static final class Decoder {
        private final byte[] in;
        private final int maxDepth;
        private int pos;

        Decoder(byte[] in, int maxDepth) {
            this.in = in;
            this.maxDepth = maxDepth;
        }

        BValue value(int depth) {
            int b = peek();
            return switch (b) {
                case 'i' -> integer();
                case 'l' -> list(depth + 1);
                case 'd' -> dict(depth + 1);
                default -> {
                    if (b >= '0' && b <= '9') {
                        yield string();
                    }
                    throw new BencodeException("unexpected byte 0x" + Integer.toHexString(b), pos);
                }
            };
        }

        private int peek() {
            if (pos >= in.length) {
                throw new BencodeException("unexpected end of input", pos);
            }
            return in[pos] & 0xff;
        }

        private BInteger integer() {
            pos++; // 'i'
            int start = pos;
            boolean negative = false;
            if (peek() == '-') {
                negative = true;
                pos++;
            }
            int digitsStart = pos;
            long negated = negativeDigits(19);
            int digitCount = pos - digitsStart;
            if (digitCount == 0) {
                throw new BencodeException("integer without digits", start);
            }
            if (in[digitsStart] == '0' && (digitCount > 1 || negative)) {
                throw new BencodeException("integer with leading zero or negative zero", start);
            }
            expect('e');
            if (!negative && negated == Long.MIN_VALUE) {
                throw new BencodeException("number overflows 64 bits", start);
            }
            return new BInteger(negative ? negated : -negated);
        }

        private BString string() {
            int start = pos;
            long length = digits(10);
            if (in[start] == '0' && pos - start > 1) {
                throw new BencodeException("string length with leading zero", start);
            }
            expect(':');
            if (length > in.length - pos) {
                throw new BencodeException("string of " + length + " bytes runs past the end", start);
            }
            byte[] bytes = new byte[(int) length];
            System.arraycopy(in, pos, bytes, 0, bytes.length);
            pos += bytes.length;
            return BString.wrap(bytes);
        }

        /**
         * Reads up to maxDigits decimal digits. Accumulates negatively so that the full range of
         * a signed long, Long.MIN_VALUE included, is accepted; returns the magnitude negated.
         */
        private long negativeDigits(int maxDigits) {
            int start = pos;
            long value = 0;
            while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
                if (pos - start >= maxDigits) {
                    throw new BencodeException("number has too many digits", start);
                }
                int digit = in[pos] - '0';
                if (value < (Long.MIN_VALUE + digit) / 10) {
                    throw new BencodeException("number overflows 64 bits", start);
                }
                value = value * 10 - digit;
                pos++;
            }
            return value;
        }

        private long digits(int maxDigits) {
            int start = pos;
            long negated = negativeDigits(maxDigits);
            if (negated == Long.MIN_VALUE) {
                throw new BencodeException("number overflows 64 bits", start);
            }
            return -negated;
        }

        private BList list(int depth) {
            checkDepth(depth);
            pos++; // 'l'
            List<BValue> values = new ArrayList<>();
            while (peek() != 'e') {
                values.add(value(depth));
            }
            pos++;
            return new BList(values);
        }

        private BDict dict(int depth) {
            checkDepth(depth);
            pos++; // 'd'
            TreeMap<BString, BValue> entries = new TreeMap<>();
            BString previous = null;
            while (peek() != 'e') {
                int keyAt = pos;
                int b = peek();
                if (b < '0' || b > '9') {
                    throw new BencodeException("dictionary key is not a byte string", keyAt);
                }
                BString key = string();
                if (previous != null && previous.compareTo(key) >= 0) {
                    throw new BencodeException(
                            previous.equals(key) ? "duplicate dictionary key"
                                    : "dictionary keys not in sorted order", keyAt);
                }
                previous = key;
                entries.put(key, value(depth));
            }
            pos++;
            return new BDict(entries);
        }

        private void checkDepth(int depth) {
            if (depth > maxDepth) {
                throw new BencodeException("nesting deeper than " + maxDepth, pos);
            }
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new BencodeException("expected '" + c + "'", pos);
            }
            pos++;
        }
    }
}
