package io.rackswarm.seeder.metainfo;

import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.Repository;
import io.rackswarm.seeder.mirror.Ownership;
import io.rackswarm.seeder.mirror.PullThrough;
import io.rackswarm.seeder.mirror.Upstreams;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/v1/metainfo/{digest}?repository=…&ns=…}: the blob's deterministic torrent,
 * fetching the blob from upstream and starting to seed it first if this replica lacks it.
 * Agents add their own token to the announce URL.
 */
@Path("/api/v1/metainfo")
public class MetainfoResource {

    private final PullThrough pullThrough;
    private final TrackerRegistration tracker;
    private final Ownership ownership;
    private final Upstreams upstreams;

    public MetainfoResource(PullThrough pullThrough, TrackerRegistration tracker,
            Ownership ownership, Upstreams upstreams) {
        this.pullThrough = pullThrough;
        this.tracker = tracker;
        this.ownership = ownership;
        this.upstreams = upstreams;
    }

    @GET
    @Path("/{digest}")
    public Response metainfo(@PathParam("digest") String digest,
            @QueryParam("repository") String repository, @QueryParam("ns") String ns) {
        if (repository == null) {
            throw new IllegalArgumentException("query parameter repository is required");
        }
        Digest d = Digest.parse(digest);
        String registry = upstreams.resolve(ns);
        if (pullThrough.cached(d).isEmpty()) {
            var owner = ownership.ownerElsewhere(d);
            if (owner.isPresent()) {
                return Response.temporaryRedirect(owner.get().resolve("/api/v1/metainfo/" + d
                        + "?repository=" + repository + (ns == null ? "" : "&ns=" + ns))).build();
            }
        }
        Metainfo m = pullThrough.metainfo(registry, new Repository(repository), d);
        return Response.ok(m.torrentFile(tracker.publicAnnounceUrl()))
                .type("application/x-bittorrent")
                .header("X-Rackswarm-Info-Hash", m.infoHash().hex())
                .build();
    }
}
