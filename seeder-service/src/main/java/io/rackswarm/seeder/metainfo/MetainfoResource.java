package io.rackswarm.seeder.metainfo;

import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.Repository;
import io.rackswarm.seeder.config.SeederConfig;
import io.rackswarm.seeder.mirror.Ownership;
import io.rackswarm.seeder.mirror.PullThrough;
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
    private final SeederConfig config;
    private final Ownership ownership;

    public MetainfoResource(PullThrough pullThrough, TrackerRegistration tracker,
            SeederConfig config, Ownership ownership) {
        this.pullThrough = pullThrough;
        this.tracker = tracker;
        this.config = config;
        this.ownership = ownership;
    }

    @GET
    @Path("/{digest}")
    public Response metainfo(@PathParam("digest") String digest,
            @QueryParam("repository") String repository, @QueryParam("ns") String ns) {
        if (repository == null) {
            throw new IllegalArgumentException("query parameter repository is required");
        }
        Digest d = Digest.parse(digest);
        if (pullThrough.cached(d).isEmpty()) {
            var owner = ownership.ownerElsewhere(d);
            if (owner.isPresent()) {
                return Response.temporaryRedirect(owner.get().resolve("/api/v1/metainfo/" + d
                        + "?repository=" + repository + (ns == null ? "" : "&ns=" + ns))).build();
            }
        }
        Metainfo m = pullThrough.metainfo(ns == null ? config.defaultRegistry() : ns,
                new Repository(repository), d);
        return Response.ok(m.torrentFile(tracker.publicAnnounceUrl()))
                .type("application/x-bittorrent")
                .header("X-Rackswarm-Info-Hash", m.infoHash().hex())
                .build();
    }
}
