package io.rackswarm.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Writes OCI image layouts (image-spec image-layout.md) for tests: single-platform images and
 * multi-platform indexes, with layers of random bytes of a chosen size.
 */
public final class OciLayout {

    public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String INDEX = "application/vnd.oci.image.index.v1+json";
    /** Layers are gzip streams, so that skopeo pushes them as they are instead of compressing. */
    public static final String LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String CONFIG = "application/vnd.oci.image.config.v1+json";

    /** A blob written into the layout. */
    public record Blob(String digest, long size, byte[] bytes) {
    }

    /** An image in the layout: its manifest and layers. */
    public record Image(Blob manifest, Blob config, List<Blob> layers) {
    }

    private final Path dir;

    private OciLayout(Path dir) {
        this.dir = dir;
    }

    public static OciLayout create(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        return new OciLayout(dir);
    }

    public Path dir() {
        return dir;
    }

    public Blob blob(byte[] bytes) throws IOException {
        String hex = sha256(bytes);
        Files.write(dir.resolve("blobs").resolve("sha256").resolve(hex), bytes);
        return new Blob("sha256:" + hex, bytes.length, bytes);
    }

    /** An image for one platform: gzip layers of random bytes of the given sizes. */
    public Image image(String architecture, long seed, int... layerSizes) throws IOException {
        Random random = new Random(seed);
        List<Blob> layers = new ArrayList<>();
        StringBuilder diffIds = new StringBuilder();
        for (int size : layerSizes) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
                out.write(b);
            }
            layers.add(blob(gz.toByteArray()));
            diffIds.append(diffIds.length() == 0 ? "" : ",").append("\"sha256:")
                    .append(sha256(b)).append('"');
        }
        return imageOf(architecture, layers, diffIds.toString());
    }

    private Image imageOf(String architecture, List<Blob> layers, String diffIds)
            throws IOException {
        StringBuilder layerDescriptors = new StringBuilder();
        for (Blob l : layers) {
            layerDescriptors.append(layerDescriptors.length() == 0 ? "" : ",")
                    .append(descriptor(LAYER, l, ""));
        }
        Blob config = blob(("{\"architecture\":\"" + architecture + "\",\"os\":\"linux\","
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}")
                .getBytes(StandardCharsets.UTF_8));
        Blob manifest = blob(("{\"schemaVersion\":2,\"mediaType\":\"" + MANIFEST + "\","
                + "\"config\":" + descriptor(CONFIG, config, "") + ","
                + "\"layers\":[" + layerDescriptors + "]}").getBytes(StandardCharsets.UTF_8));
        return new Image(manifest, config, layers);
    }

    /**
     * An image for one platform whose layers are real tar.gz archives, each holding one file of
     * random bytes of the given size, so that a container runtime can unpack them.
     */
    public Image unpackableImage(String architecture, long seed, int... fileSizes)
            throws IOException {
        Random random = new Random(seed);
        List<Blob> layers = new ArrayList<>();
        StringBuilder diffIds = new StringBuilder();
        for (int i = 0; i < fileSizes.length; i++) {
            byte[] content = new byte[fileSizes[i]];
            random.nextBytes(content);
            byte[] tar = tar("layer-" + i + ".bin", content);
            java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
                out.write(tar);
            }
            layers.add(blob(gz.toByteArray()));
            diffIds.append(diffIds.length() == 0 ? "" : ",").append("\"sha256:")
                    .append(sha256(tar)).append('"');
        }
        return imageOf(architecture, layers, diffIds.toString());
    }

    /** A POSIX ustar archive of one regular file. */
    private static byte[] tar(String name, byte[] content) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", content.length));
        put(header, 136, String.format("%011o", 1_700_000_000L));
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        header[156] = '0';
        put(header, 257, "ustar");
        put(header, 263, "00");
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        header[154] = 0;
        header[155] = ' ';
        int padded = (content.length + 511) / 512 * 512;
        byte[] out = new byte[512 + padded + 1024];
        System.arraycopy(header, 0, out, 0, 512);
        System.arraycopy(content, 0, out, 512, content.length);
        return out;
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] b = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, b.length);
    }

    /** An image index over images of different architectures. */
    public Blob index(List<Image> images, List<String> architectures) throws IOException {
        StringBuilder manifests = new StringBuilder();
        for (int i = 0; i < images.size(); i++) {
            manifests.append(i == 0 ? "" : ",").append(descriptor(MANIFEST,
                    images.get(i).manifest(), ",\"platform\":{\"architecture\":\""
                            + architectures.get(i) + "\",\"os\":\"linux\"}"));
        }
        return blob(("{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":["
                + manifests + "]}").getBytes(StandardCharsets.UTF_8));
    }

    /** Names a manifest or index in the layout's index.json under {@code tag}. */
    public void tag(String mediaType, Blob target, String tag) throws IOException {
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":["
                + descriptor(mediaType, target, ",\"annotations\":{"
                        + "\"org.opencontainers.image.ref.name\":\"" + tag + "\"}") + "]}");
    }

    private static String descriptor(String mediaType, Blob b, String extra) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + b.digest() + "\",\"size\":"
                + b.size() + extra + "}";
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
