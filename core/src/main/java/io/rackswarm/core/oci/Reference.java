package io.rackswarm.core.oci;

import java.util.regex.Pattern;

/**
 * An image reference, {@code [registry/]repository[:tag][@digest]}, normalised as Docker does:
 * no registry means {@code docker.io}, and a one-component Docker Hub name lives under
 * {@code library/}. With neither tag nor digest the tag is {@code latest}.
 *
 * @param tag null when the reference names a digest only
 * @param digest null when the reference names a tag only
 */
public record Reference(String registry, Repository repository, String tag, Digest digest) {

    public static final String DOCKER_HUB = "docker.io";
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*"
                    + "[A-Za-z0-9])?)*(?::[0-9]{1,5})?|\\[[0-9A-Fa-f:]+\\](?::[0-9]{1,5})?");

    public Reference {
        if (registry == null || !HOST.matcher(registry).matches()) {
            throw new IllegalArgumentException("invalid registry host: " + registry);
        }
        if (repository == null) {
            throw new IllegalArgumentException("repository is required");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("invalid tag: " + tag);
        }
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("a reference needs a tag or a digest");
        }
    }

    public static Reference parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 512) {
            throw new IllegalArgumentException("invalid image reference: " + text);
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Digest.parse(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")
                    || first.startsWith("[")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new Reference(registry, new Repository(rest), tag, digest);
    }

    /** What to ask the registry's manifest endpoint for: the digest when known, else the tag. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    @Override
    public String toString() {
        return registry + "/" + repository + (tag != null ? ":" + tag : "")
                + (digest != null ? "@" + digest : "");
    }
}
