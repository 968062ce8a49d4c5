package io.rackswarm.core.oci;

import java.util.regex.Pattern;

/**
 * A repository name as the OCI distribution spec allows it: lower-case path components joined
 * by {@code /}, each made of alphanumerics separated by {@code .}, {@code _}, {@code __} or dashes.
 * The grammar excludes {@code ..}, empty components and absolute paths, so a name can safely
 * become part of a URL or a file path.
 */
public record Repository(String name) {

    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");

    public Repository {
        if (name == null || name.length() > 255 || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid repository name: " + name);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
