package io.rackswarm.torrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.libtorrent4j.SettingsPack;
import org.libtorrent4j.swig.settings_pack;

class SettingOverridesTest {

    @BeforeAll
    static void loadNativeLibrary() {
        NativeLibrary.prepare();
    }

    @Test
    void givenNamedSettings_thenEachIsSetWithItsType() {
        SettingsPack pack = new SettingsPack();
        SettingOverrides.parse(" aio_threads=3, enable_dht=true ,user_agent=probe/1")
                .applyTo(pack);
        assertThat(pack.getInteger(settings_pack.int_types.aio_threads.swigValue()))
                .isEqualTo(3);
        assertThat(pack.getBoolean(settings_pack.bool_types.enable_dht.swigValue())).isTrue();
        assertThat(pack.getString(settings_pack.string_types.user_agent.swigValue()))
                .isEqualTo("probe/1");
        assertThat(SettingOverrides.parse(null).settings()).isEmpty();
        assertThat(SettingOverrides.parse("  ").settings()).isEmpty();
    }

    @Test
    void givenBadOverrides_thenTheMessageNamesTheProblem() {
        SettingsPack pack = new SettingsPack();
        assertThatThrownBy(() -> SettingOverrides.parse("aio_threads").applyTo(pack))
                .hasMessageContaining("expected name=value, got 'aio_threads'");
        assertThatThrownBy(() -> SettingOverrides.parse("no_such_thing=1").applyTo(pack))
                .hasMessageContaining("no setting 'no_such_thing'");
        assertThatThrownBy(() -> SettingOverrides.parse("aio_threads=many").applyTo(pack))
                .hasMessageContaining("aio_threads takes an integer, got 'many'");
        assertThatThrownBy(() -> SettingOverrides.parse("enable_dht=yes").applyTo(pack))
                .hasMessageContaining("enable_dht takes true or false");
    }
}
