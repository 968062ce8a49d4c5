package io.rackswarm.seeder.mirror;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;

/** {@code GET /api/v1/cache}: the cached blobs, their torrents and whether they are seeded. */
@Path("/api/v1/cache")
public class CacheResource {

    private final PullThrough pullThrough;

    public CacheResource(PullThrough pullThrough) {
        this.pullThrough = pullThrough;
    }

    @GET
    public List<PullThrough.CachedBlob> list() {
        return pullThrough.list();
    }
}
