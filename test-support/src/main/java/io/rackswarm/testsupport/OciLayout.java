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
