package io.rackswarm.seeder.mirror;

import io.rackswarm.core.cache.CacheFullException;
import io.rackswarm.core.cache.DigestMismatchException;
import io.rackswarm.seeder.upstream.UpstreamException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Map;

/** Every seeder failure, mapped in one place to an OCI distribution error body. */
@Provider
public class OciError implements ExceptionMapper<RuntimeException> {

    public static Response of(int status, String code, String message) {
        return Response.status(status).type("application/json")
                .entity(Map.of("errors", List.of(Map.of("code", code, "message", message))))
                .build();
    }

    @Override
    public Response toResponse(RuntimeException e) {
        if (e instanceof UpstreamException u) {
            String code = switch (u.status()) {
                case 404 -> "BLOB_UNKNOWN";
                case 401 -> "UNAUTHORIZED";
                case 403 -> "DENIED";
                default -> "UPSTREAM_ERROR";
            };
            return of(u.status(), code, u.getMessage());
        }
        if (e instanceof DigestMismatchException) {
            return of(502, "DIGEST_INVALID", e.getMessage());
        }
        if (e instanceof CacheFullException) {
            return of(507, "CACHE_FULL", e.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return of(400, "INVALID", e.getMessage());
        }
        if (e instanceof jakarta.ws.rs.WebApplicationException w) {
            return w.getResponse();
        }
        return of(500, "INTERNAL", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
}
