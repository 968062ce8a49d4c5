package io.rackswarm.core.oci;

import java.util.regex.Pattern;

/**
 * An OCI content digest, {@code algorithm:hex} (image-spec descriptor.md). Only the registered
 * algorithms sha256 and sha512 are accepted, with their exact lower-case hex lengths.
 */
public record Digest(String algorithm, String hex) {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    public Digest {
        int expected = switch (algorithm == null ? "" : algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default -> throw new IllegalArgumentException(
                    "unsupported digest algorithm: " + algorithm);
        };
        if (hex == null || hex.length() != expected || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException(
                    algorithm + " digest needs " + expected + " lower-case hex characters");
        }
    }

    public static Digest parse(String text) {
        if (text == null || text.length() > 200) {
            throw new IllegalArgumentException("not a digest: " + text);
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("digest must be algorithm:hex, got " + text);
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
