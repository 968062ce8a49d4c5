package io.rackswarm.seeder.mirror;

import io.rackswarm.core.oci.RegistryHost;
import io.rackswarm.seeder.config.SeederConfig;
import io.rackswarm.seeder.upstream.UpstreamException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The registries this seeder fetches from: its default registry, {@code upstream-registries}
 * and {@code plain-http-registries}. A request's {@code ns} is parsed as a registry host and
 * must name one of them, so that no caller can make the seeder fetch from (and send its
 * credentials to) a host of the caller's choosing. Manifests, blobs, metainfo and populate jobs
 * all resolve their registry here.
 */
@ApplicationScoped
public class Upstreams {

    private final RegistryHost defaultRegistry;
    private final Set<RegistryHost> allowed = new HashSet<>();

    public Upstreams(SeederConfig config) {
        this.defaultRegistry = RegistryHost.parse(config.defaultRegistry());
        allowed.add(defaultRegistry);
        config.upstreamRegistries().forEach(h -> allowed.add(RegistryHost.parse(h)));
        config.plainHttpRegistries().orElse(List.of())
                .forEach(h -> allowed.add(RegistryHost.parse(h)));
    }

    /**
     * The registry a request names, or the default one.
     *
     * @throws IllegalArgumentException {@code ns} is not a registry host (400)
     * @throws UpstreamException the registry is not configured here (403)
     */
    public String resolve(String ns) {
        if (ns == null || ns.isEmpty()) {
            return defaultRegistry.value();
        }
        RegistryHost host = RegistryHost.parse(ns);
        if (!allowed.contains(host)) {
            throw new UpstreamException(403, "registry " + host + " is not an upstream of this "
                    + "seeder (rackswarm.seeder.upstream-registries)", null);
        }
        return host.value();
    }
}
