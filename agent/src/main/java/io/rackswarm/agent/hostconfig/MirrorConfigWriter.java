package io.rackswarm.agent.hostconfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Writes the runtime's mirror configuration on the host and removes exactly what it wrote: a
 * file is replaced or deleted only when it carries the agent's marker, and a directory only when
 * the agent's file was all it held. A file someone else wrote is left alone, with a warning.
 */
public final class MirrorConfigWriter {

    private static final Logger LOG = Logger.getLogger(MirrorConfigWriter.class);

    private MirrorConfigWriter() {
    }

    /**
     * Writes hosts.toml for each target under containerd's config path.
     *
     * @return the files written
     */
    public static List<Path> writeContainerd(Path certsDir, List<MirrorTarget> targets,
            String mirrorUrl) throws IOException {
        List<Path> written = new ArrayList<>();
        for (MirrorTarget t : targets) {
            Path file = certsDir.resolve(t.directory()).resolve("hosts.toml");
            if (write(file, ContainerdHosts.render(t, mirrorUrl))) {
                written.add(file);
            }
        }
        return written;
    }

    /** Writes CRI-O's drop-in; returns it, or nothing if a foreign file is in the way. */
    public static List<Path> writeCrio(Path dropInDir, List<MirrorTarget> targets,
            String mirrorUrl) throws IOException {
        Path file = dropInDir.resolve(CrioMirror.FILE);
        return write(file, CrioMirror.render(targets, mirrorUrl)) ? List.of(file) : List.of();
    }

    private static boolean write(Path file, String content) throws IOException {
        if (Files.exists(file) && !ours(file)) {
            LOG.warnf("%s exists and was not written by rackswarm: left alone, so this "
                    + "registry is not mirrored", file);
            return false;
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".rackswarm-tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /**
     * Removes the agent's files under containerd's config path and CRI-O's drop-in directory
     * (either may be null).
     *
     * @return the files removed
     */
    public static List<Path> cleanup(Path certsDir, Path dropInDir) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (certsDir != null && Files.isDirectory(certsDir)) {
            try (var dirs = Files.newDirectoryStream(certsDir, Files::isDirectory)) {
                for (Path dir : dirs) {
                    Path file = dir.resolve("hosts.toml");
                    if (Files.isRegularFile(file) && ours(file)) {
                        Files.delete(file);
                        removed.add(file);
                        try (var left = Files.list(dir)) {
                            if (left.findAny().isEmpty()) {
                                Files.delete(dir);
                            }
                        }
                    }
                }
            }
        }
        if (dropInDir != null) {
            Path file = dropInDir.resolve(CrioMirror.FILE);
            if (Files.isRegularFile(file) && ours(file)) {
                Files.delete(file);
                removed.add(file);
            }
        }
        return removed;
    }

    private static boolean ours(Path file) throws IOException {
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.findFirst().map(ContainerdHosts.MARKER::equals).orElse(false);
        }
    }
}
