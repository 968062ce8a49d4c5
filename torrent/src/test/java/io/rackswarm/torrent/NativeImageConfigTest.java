package io.rackswarm.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Holds the native-image configuration shipped in this module
 * ({@code META-INF/native-image/io.rackswarm/rackswarm-torrent/}) to libtorrent4j's native
 * library: a native executable can only let native code reach the Java classes it registers,
 * so every class the library looks up by name must be in jni-config.json. An upgrade of
 * libtorrent4j that names a new class fails here rather than in a native executable at run time.
 */
class NativeImageConfigTest {

    private static final String CONFIG = "/META-INF/native-image/io.rackswarm/rackswarm-torrent/";

    @Test
    void givenTheNativeLibrary_thenEveryClassItLooksUpIsRegisteredForJni() throws IOException {
        Set<String> named = classesNamedIn(read("/lib/x86_64/libtorrent4j.so"));
        Set<String> registered = registered(new String(read(CONFIG + "jni-config.json"),
                StandardCharsets.UTF_8));

        assertThat(named).as("the library names its director classes and the exceptions it throws")
                .contains("org.libtorrent4j.swig.alert_notify_callback",
                        "java.lang.RuntimeException");
        assertThat(registered).containsAll(named);
        // The callbacks into Java go through libtorrent_jni's static SwigDirector_ methods.
        assertThat(registered).contains("org.libtorrent4j.swig.libtorrent_jni");
    }

    @Test
    void givenTheJniConfiguration_thenEveryClassItNamesExists() throws Exception {
        for (String name : registered(new String(read(CONFIG + "jni-config.json"),
                StandardCharsets.UTF_8))) {
            Class.forName(name, false, getClass().getClassLoader());
        }
    }

    @Test
    void givenTheResourceConfiguration_thenTheNativeLibraryIsIncluded() throws IOException {
        String resources = new String(read(CONFIG + "resource-config.json"),
                StandardCharsets.UTF_8);
        assertThat(resources).contains("lib/x86_64/libtorrent4j.so");
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in = NativeImageConfigTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return in.readAllBytes();
        }
    }

    /** Java class names (java/…, org/libtorrent4j/…) among the library's strings. */
    static Set<String> classesNamedIn(byte[] library) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?:java|org/libtorrent4j)/[A-Za-z0-9_/$]+")
                .matcher(new String(library, StandardCharsets.ISO_8859_1));
        while (m.find()) {
            int end = m.end();
            boolean terminated = end < library.length && library[end] == 0;
            boolean whole = m.start() == 0 || library[m.start() - 1] == 0;
            if (terminated && whole) {
                names.add(m.group().replace('/', '.'));
            }
        }
        return names;
    }

    private static Set<String> registered(String json) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\"name\":\\s*\"([A-Za-z0-9_.$]+)\"").matcher(json);
        while (m.find()) {
            if (m.group(1).contains(".")) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
