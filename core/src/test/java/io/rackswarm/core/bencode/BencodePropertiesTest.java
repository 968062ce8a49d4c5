package io.rackswarm.core.bencode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class BencodePropertiesTest {

    @Property(tries = 500)
    void everyValueRoundTripsThroughItsEncoding(@ForAll("values") BValue value) {
        byte[] encoded = value.encode();
        BValue decoded = Bencode.decode(encoded);
        assertThat(decoded).isEqualTo(value);
        assertThat(decoded.encode()).isEqualTo(encoded);
    }

    @Property(tries = 3000)
    void arbitraryBytesOnlyEverRaiseBencodeException(@ForAll @Size(max = 64) byte[] input) {
        assertDecodesCanonicallyOrRefuses(input);
    }

    @Property(tries = 2000)
    void corruptedEncodingsOnlyEverRaiseBencodeException(@ForAll("values") BValue value,
            @ForAll int position, @ForAll byte replacement) {
        byte[] encoded = value.encode();
        byte[] corrupted = Arrays.copyOf(encoded, encoded.length);
        corrupted[Math.floorMod(position, corrupted.length)] = replacement;
        assertDecodesCanonicallyOrRefuses(corrupted);
        byte[] truncated = Arrays.copyOf(encoded, Math.floorMod(position, encoded.length));
        assertDecodesCanonicallyOrRefuses(truncated);
    }

    /** Whatever the decoder accepts must be canonical: re-encoding reproduces the input. */
    private static void assertDecodesCanonicallyOrRefuses(byte[] input) {
        try {
            BValue value = Bencode.decode(input);
            assertThat(value.encode()).isEqualTo(input);
        } catch (BencodeException expected) {
            assertThat(expected.offset()).isBetween(0, input.length);
        }
    }

    @Provide
    Arbitrary<BValue> values() {
        return Arbitraries.recursive(this::leaf, this::container, 0, 4);
    }

    private Arbitrary<BValue> leaf() {
        return Arbitraries.oneOf(
                Arbitraries.longs().map(BInteger::new),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(BString::of));
    }

    private Arbitrary<BValue> container(Arbitrary<BValue> inner) {
        Arbitrary<BValue> list = inner.list().ofMaxSize(4).map(l -> new BList(List.copyOf(l)));
        Arbitrary<BValue> dict = Arbitraries.maps(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(8).map(BString::of), inner)
                .ofMaxSize(4).map(m -> new BDict(new TreeMap<>(m)));
        return Arbitraries.oneOf(list, dict);
    }
}
