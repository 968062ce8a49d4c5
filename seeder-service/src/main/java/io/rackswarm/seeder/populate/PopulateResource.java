package io.rackswarm.seeder.populate;

import io.rackswarm.seeder.mirror.OciError;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;

/**
 * {@code POST /api/v1/populate {"images": ["registry/repo:tag", ...]}} starts warming the cache
 * and answers 202 with the job; {@code GET /api/v1/populate/{id}} shows its progress.
 */
@Path("/api/v1/populate")
public class PopulateResource {

    /** The request body. */
    public record Request(List<String> images) {
    }

    private final Populator populator;

    public PopulateResource(Populator populator) {
        this.populator = populator;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(Request request) {
        PopulateJob job = populator.start(request == null ? null : request.images());
        return Response.accepted(job.progress())
                .location(URI.create("/api/v1/populate/" + job.progress().id())).build();
    }

    @GET
    @Path("/{id}")
    public Response progress(@PathParam("id") String id) {
        return populator.job(id).map(j -> Response.ok(j.progress()).build())
                .orElseGet(() -> OciError.of(404, "JOB_UNKNOWN", "no populate job " + id));
    }
}
