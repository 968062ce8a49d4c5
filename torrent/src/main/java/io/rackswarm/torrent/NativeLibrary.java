package io.rackswarm.torrent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Makes libtorrent4j's native library loadable. The library ships inside a jar; it is copied to
 * a file of its own per JVM, because one path loaded by two class loaders (a Quarkus test and a
 * plain test in one run) fails with "already loaded in another classloader".
 */
public final class NativeLibrary {

    public static final String PATH_PROPERTY = "libtorrent4j.jni.path";
    private static final String RESOURCE = "/lib/x86_64/libtorrent4j.so";

    /** Per class loader, as libtorrent4j's own classes are. */
    private static boolean prepared;

    private NativeLibrary() {
    }

    /**
     * Idempotent within a class loader; call before the first libtorrent4j class is used. Each
     * class loader gets its own copy of the library, since the JVM binds a native library file
     * to the first class loader that loads it.
     */
    public static synchronized void prepare() {
        if (prepared) {
            return;
        }
        requireSignalChaining(Path.of("/proc/self/maps"));
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("libtorrent4j-linux (" + RESOURCE
                        + ") is not on the class path");
            }
            Path copy = Files.createTempFile("libtorrent4j-", ".so");
            copy.toFile().deleteOnExit();
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            System.setProperty(PATH_PROPERTY, copy.toString());
            prepared = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract libtorrent4j's native library", e);
        }
    }

    /**
     * Refuses to start libtorrent in a JVM without libjsig. libtorrent installs its own signal
     * handlers; without libjsig's chaining they replace the JVM's, and the JVM dies at a later
     * garbage collection, minutes after the real mistake. A native image has no such handlers
     * to lose, and a system without {@code /proc} cannot be checked.
     *
     * @param maps the process's memory map ({@code /proc/self/maps})
     */
    static void requireSignalChaining(Path maps) {
        if (System.getProperty("org.graalvm.nativeimage.imagecode") != null
                || !Files.isReadable(maps)) {
            return;
        }
        String mapped;
        try {
            mapped = Files.readString(maps);
        } catch (IOException e) {
            return;
        }
        if (!mapped.contains("/libjsig.so")) {
            throw new IllegalStateException("libjsig.so is not preloaded: start this JVM with "
                    + "LD_PRELOAD=" + Path.of(System.getProperty("java.home"), "lib", "libjsig.so")
                    + " (the images set it; the Helm chart's value libjsigPath). Without it "
                    + "libtorrent's signal handlers replace the JVM's and the JVM dies at a "
                    + "later garbage collection.");
        }
    }
}
