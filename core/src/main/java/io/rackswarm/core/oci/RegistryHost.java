package io.rackswarm.core.oci;

import java.util.regex.Pattern;

/**
 * A registry's host as containerd names it to a mirror ({@code ?ns=}) and as hosts.toml
 * directories are named: a DNS name or IPv4 address with an optional port, or a bracketed IPv6
 * address with one. Nothing else (no scheme, path, query or credentials) can be part of it, so
 * it is safe in a URL's authority and as a directory name.
 */
public record RegistryHost(String value) {

    private static final Pattern NAME = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)"
                    + "(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-fA-F:.]{2,45}]");

    public RegistryHost {
        if (value == null || value.isEmpty() || value.length() > 255) {
            throw new IllegalArgumentException("invalid registry host: " + value);
        }
        String host = value;
        String port = null;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("invalid registry host: " + value);
            }
            host = value.substring(0, close + 1);
            if (close + 1 < value.length()) {
                if (value.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("invalid registry host: " + value);
                }
                port = value.substring(close + 2);
            }
            if (!IPV6.matcher(host).matches()) {
                throw new IllegalArgumentException("invalid registry host: " + value);
            }
        } else {
            int colon = value.indexOf(':');
            if (colon >= 0) {
                host = value.substring(0, colon);
                port = value.substring(colon + 1);
            }
            if (!NAME.matcher(host).matches()) {
                throw new IllegalArgumentException("invalid registry host: " + value);
            }
        }
        if (port != null && !validPort(port)) {
            throw new IllegalArgumentException("invalid port in registry host: " + value);
        }
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
            return false;
        }
        int p = Integer.parseInt(port);
        return p > 0 && p <= 65535;
    }

    public static RegistryHost parse(String text) {
        return new RegistryHost(text);
    }

    @Override
    public String toString() {
        return value;
    }
}
