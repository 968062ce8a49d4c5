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
}
