package io.rackswarm.agent.fetch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The sha256 of a file that grows from its start: each call hashes what was added since the
 * last, so the digest is ready as soon as the last byte arrives, without a second pass.
 */
final class Sha256Follower implements AutoCloseable {

    private final Path file;
    private final MessageDigest sha;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private long hashed;
    private FileChannel channel;

    Sha256Follower(Path file) {
        this.file = file;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }

    /** Hashes the file's bytes from where the last call stopped up to {@code upTo}. */
    void follow(long upTo) throws IOException {
        if (upTo <= hashed) {
            return;
        }
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
        while (hashed < upTo) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), upTo - hashed));
            int n = channel.read(buffer, hashed);
            if (n <= 0) {
                throw new IOException(file + " is shorter than " + upTo + " bytes");
            }
            buffer.flip();
            sha.update(buffer);
            hashed += n;
        }
    }

    /** Hashes bytes that were just written at the position the follower has reached. */
    void update(byte[] bytes, int offset, int length) {
        sha.update(bytes, offset, length);
        hashed += length;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }

    long hashed() {
        return hashed;
    }

    /** The hex digest; call once, after following the whole file. */
    String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }
}
