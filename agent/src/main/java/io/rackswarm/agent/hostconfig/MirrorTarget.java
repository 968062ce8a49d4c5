package io.rackswarm.agent.hostconfig;

import io.rackswarm.core.oci.RegistryHost;
import java.util.Optional;

/**
 * A registry whose pulls go through the agent, as configured: {@code _default} (every registry
 * containerd pulls from), a host ({@code ghcr.io}, reached over HTTPS) or a URL
 * ({@code http://registry.internal:5000}, for registries served over plain HTTP).
 *
 * @param host the registry host; empty for {@code _default}
 * @param scheme https or http
 */
public record MirrorTarget(Optional<RegistryHost> host, String scheme) {

    public static final String DEFAULT = "_default";

    public static MirrorTarget parse(String text) {
        if (text.equals(DEFAULT)) {
            return new MirrorTarget(Optional.empty(), "https");
        }
        String scheme = "https";
        String host = text;
        if (text.startsWith("http://")) {
            scheme = "http";
            host = text.substring("http://".length());
        } else if (text.startsWith("https://")) {
            host = text.substring("https://".length());
        }
        if (host.endsWith("/")) {
            host = host.substring(0, host.length() - 1);
        }
        return new MirrorTarget(Optional.of(RegistryHost.parse(host)), scheme);
    }

    /** The directory name under containerd's config_path. */
    public String directory() {
        return host.map(RegistryHost::value).orElse(DEFAULT);
    }

    /** The upstream containerd falls back to; Docker Hub's API lives on another host. */
    public Optional<String> server() {
        return host.map(h -> h.value().equals("docker.io")
                ? "https://registry-1.docker.io" : scheme + "://" + h.value());
    }
}
