package io.rackswarm.seeder.torrent;

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

    private NativeLibrary() {
    }

    /** Idempotent; call before the first libtorrent4j class is used. */
    public static synchronized void prepare() {
        String existing = System.getProperty(PATH_PROPERTY);
        if (existing != null && Files.isRegularFile(Path.of(existing))) {
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
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract libtorrent4j's native library", e);
        }
    }
}
