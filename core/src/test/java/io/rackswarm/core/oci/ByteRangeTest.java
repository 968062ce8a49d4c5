package io.rackswarm.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void givenSingleRanges_thenTheBytesTheyName() {
        assertThat(ByteRange.parse("bytes=100-199", 1000)).contains(new ByteRange(100, 199));
        assertThat(ByteRange.parse("bytes=900-", 1000)).contains(new ByteRange(900, 999));
        assertThat(ByteRange.parse("bytes=-10", 1000)).contains(new ByteRange(990, 999));
        assertThat(ByteRange.parse("bytes=-5000", 1000)).contains(new ByteRange(0, 999));
        assertThat(ByteRange.parse("bytes=990-5000", 1000)).contains(new ByteRange(990, 999));
        assertThat(ByteRange.parse("bytes=0-0", 1000).orElseThrow().contentRange(1000))
                .isEqualTo("bytes 0-0/1000");
    }

    @Test
    void givenNoRangeOtherUnitsOrSeveralRanges_thenTheWholeBlob() {
        assertThat(ByteRange.parse(null, 1000)).isEmpty();
        assertThat(ByteRange.parse("items=0-5", 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=0-5,10-20", 1000)).isEmpty();
        assertThat(ByteRange.parse("bytes=-", 1000)).isEmpty();
    }

    @Test
    void givenRangesOutsideTheBlob_thenNotSatisfiable() {
        assertThatThrownBy(() -> ByteRange.parse("bytes=1000-", 1000))
                .isInstanceOf(ByteRange.NotSatisfiable.class);
        assertThatThrownBy(() -> ByteRange.parse("bytes=99999999999999999999-", 1000))
                .isInstanceOf(ByteRange.NotSatisfiable.class);
        assertThatThrownBy(() -> ByteRange.parse("bytes=20-10", 1000))
                .isInstanceOf(ByteRange.NotSatisfiable.class);
        assertThatThrownBy(() -> ByteRange.parse("bytes=-0", 1000))
                .isInstanceOf(ByteRange.NotSatisfiable.class);
    }
}
