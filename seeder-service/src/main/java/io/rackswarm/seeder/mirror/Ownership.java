package io.rackswarm.seeder.mirror;

import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.ring.RendezvousRing;
import io.rackswarm.seeder.config.SeederConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Which replicas own a blob (rendezvous hashing over the StatefulSet's pods, k owners). A
 * replica that does not own a blob sends the client to an owner instead of pulling it itself, so
 * each blob is pulled from upstream by its owners only.
 */
@ApplicationScoped
public class Ownership {

    private final String self;
    private final String urlTemplate;
    private final Optional<RendezvousRing> ring;

    public Ownership(SeederConfig config) {
        this.self = config.replicaName();
        this.urlTemplate = config.replicaUrlTemplate();
        List<String> replicas = config.replicas().orElse(List.of());
        if (!replicas.isEmpty() && !replicas.contains(self)) {
            throw new IllegalArgumentException("rackswarm.seeder.replicas " + replicas
                    + " does not name this replica, " + self);
        }
        this.ring = replicas.isEmpty() ? Optional.empty()
                : Optional.of(new RendezvousRing(replicas, config.owners()));
    }

    /** Empty when this replica owns the blob; otherwise the base URL of its first owner. */
    public Optional<URI> ownerElsewhere(Digest digest) {
        if (ring.isEmpty()) {
            return Optional.empty();
        }
        List<String> owners = ring.get().ownersOf(digest.toString());
        if (owners.contains(self)) {
            return Optional.empty();
        }
        return Optional.of(URI.create(urlTemplate.replace("{name}", owners.get(0))));
    }
}
