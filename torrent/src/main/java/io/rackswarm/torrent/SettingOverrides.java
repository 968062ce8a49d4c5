package io.rackswarm.torrent;

import java.util.LinkedHashMap;
import java.util.Map;
import org.libtorrent4j.SettingsPack;
import org.libtorrent4j.swig.settings_pack;

/**
 * libtorrent settings an operator sets by name, applied after rackswarm's own, for tuning
 * without a rebuild: {@code RACKSWARM_LIBTORRENT_SETTINGS="aio_threads=4,hashing_threads=2"}.
 * Names are libtorrent's ({@code settings_pack}); an unknown name or a value of the wrong type
 * stops the start with a message naming it.
 */
public final class SettingOverrides {

    /** The environment variable the seeder and the agent read. */
    public static final String VARIABLE = "RACKSWARM_LIBTORRENT_SETTINGS";

    private final Map<String, String> settings;

    private SettingOverrides(Map<String, String> settings) {
        this.settings = settings;
    }

    public static SettingOverrides fromEnvironment() {
        return parse(System.getenv(VARIABLE));
    }

    /** @param text {@code name=value} pairs separated by commas; null or blank for none */
    public static SettingOverrides parse(String text) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (text != null && !text.isBlank()) {
            for (String pair : text.split(",")) {
                String[] nv = pair.trim().split("=", 2);
                if (nv.length != 2 || nv[0].isBlank()) {
                    throw new IllegalArgumentException(VARIABLE + ": expected name=value, got '"
                            + pair.trim() + "'");
                }
                settings.put(nv[0].trim(), nv[1].trim());
            }
        }
        return new SettingOverrides(settings);
    }

    public Map<String, String> settings() {
        return settings;
    }

    void applyTo(SettingsPack pack) {
        settings.forEach((name, value) -> {
            if (has(settings_pack.int_types.class, name)) {
                try {
                    pack.setInteger(settings_pack.int_types.class.cast(field(
                            settings_pack.int_types.class, name)).swigValue(),
                            Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(VARIABLE + ": " + name
                            + " takes an integer, got '" + value + "'");
                }
            } else if (has(settings_pack.bool_types.class, name)) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw new IllegalArgumentException(VARIABLE + ": " + name
                            + " takes true or false, got '" + value + "'");
                }
                pack.setBoolean(settings_pack.bool_types.class.cast(field(
                        settings_pack.bool_types.class, name)).swigValue(),
                        Boolean.parseBoolean(value));
            } else if (has(settings_pack.string_types.class, name)) {
                pack.setString(settings_pack.string_types.class.cast(field(
                        settings_pack.string_types.class, name)).swigValue(), value);
            } else {
                throw new IllegalArgumentException(VARIABLE + ": libtorrent has no setting '"
                        + name + "'");
            }
        });
    }

    private static boolean has(Class<?> types, String name) {
        try {
            return types.getField(name).getType() == types;
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    private static Object field(Class<?> types, String name) {
        try {
            return types.getField(name).get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
