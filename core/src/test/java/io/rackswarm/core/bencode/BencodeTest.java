package io.rackswarm.core.bencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BencodeTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "{0} is canonical")
    @ValueSource(strings = {"i0e", "i-1e", "i42e", "i9223372036854775807e",
        "i-9223372036854775808e", "0:", "4:spam", "le", "li1ei2ee", "de",
        "d3:bar4:spam3:fooi42ee", "d1:ad1:bli1eeee", "l4:spamd1:ai-3eee"})
    void givenCanonicalInput_whenDecodedAndEncoded_thenBytesAreIdentical(String input) {
        assertThat(Bencode.decode(ascii(input)).encode()).isEqualTo(ascii(input));
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(delimiter = '|', value = {
        "''|unexpected end of input",
        "i01e|leading zero",
        "i-0e|negative zero",
        "ie|without digits",
        "i-e|without digits",
        "i1|unexpected end",
        "i1x|expected 'e'",
        "i11111111111111111111e|too many digits",
        "i9223372036854775808e|overflows",
        "05:hello|leading zero",
        "5:hell|runs past the end",
        "99999999999:x|too many digits",
        "4:spamX|trailing bytes",
        "i1ei2e|trailing bytes",
        "l|unexpected end",
        "li1e|unexpected end",
        "d3:fooi1e3:bari2ee|not in sorted order",
        "d3:fooi1e3:fooi2ee|duplicate dictionary key",
        "di1ei2ee|key is not a byte string",
        "d3:foo|unexpected end",
        "x|unexpected byte",
        "-1:|unexpected byte"})
    void givenMalformedInput_whenDecoded_thenBencodeExceptionNamesTheProblem(String input,
            String problem) {
        assertThatThrownBy(() -> Bencode.decode(ascii(input)))
                .isInstanceOf(BencodeException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void givenNestingDeeperThanTheLimit_whenDecoded_thenRefused() {
        String deep = "l".repeat(65) + "e".repeat(65);
        assertThatThrownBy(() -> Bencode.decode(ascii(deep)))
                .isInstanceOf(BencodeException.class).hasMessageContaining("nesting deeper");
        String ok = "l".repeat(64) + "e".repeat(64);
        assertThat(Bencode.decode(ascii(ok)).encode()).isEqualTo(ascii(ok));
    }

    @Test
    void givenInputLongerThanTheLimit_whenDecoded_thenRefusedBeforeParsing() {
        BencodeLimits limits = new BencodeLimits(8, 4);
        assertThatThrownBy(() -> Bencode.decode(ascii("9:123456789"), limits))
                .isInstanceOf(BencodeException.class).hasMessageContaining("exceeds the limit");
    }

    @Test
    void givenKeysAddedOutOfOrder_whenEncoded_thenKeysAreSortedAsRawBytes() {
        BDict dict = BDict.builder()
                .put("zeta", 1)
                .put(new String(new byte[] {(byte) 0xc3, (byte) 0xa9}, StandardCharsets.UTF_8), 2)
                .put("alpha", "x")
                .build();
        assertThat(new String(dict.encode(), StandardCharsets.ISO_8859_1))
                .isEqualTo("d5:alpha1:x4:zetai1e2:\u00c3\u00a9i2ee");
    }

    @Test
    void givenBinaryString_whenRoundTripped_thenEveryByteIsKept() {
        byte[] raw = new byte[256];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) i;
        }
        BValue decoded = Bencode.decode(BString.of(raw).encode());
        assertThat(((BString) decoded).bytes()).isEqualTo(raw);
    }
}
