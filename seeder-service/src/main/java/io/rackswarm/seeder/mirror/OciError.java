package io.rackswarm.seeder.mirror;

import io.rackswarm.core.cache.CacheFullException;
import io.rackswarm.core.cache.DigestMismatchException;
import io.rackswarm.seeder.upstream.UpstreamException;
import io.rackswarm.seeder.upstream.UpstreamReadException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Every seeder failure, mapped in one place to an OCI distribution error body. Each failure
 * that is not the client's (upstream refusing or failing, bytes that do not match their digest,
 * a full cache, a bug) is logged in one line; messages name registries and repositories, never
 * credentials.
 */
@Provider
public class OciError implements ExceptionMapper<RuntimeException> {

    private static final Logger LOG = Logger.getLogger(OciError.class);

    public static Response of(int status, String code, String message) {
        return Response.status(status).type("application/json")
                .entity(Map.of("errors", List.of(Map.of("code", code, "message",
                        message == null ? code : message))))
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
            if (u.status() != 404 && u.status() != 403) {
                LOG.warnf("upstream: %s", UpstreamException.describe(u));
            }
            return of(u.status(), code, UpstreamException.describe(u));
        }
        if (e instanceof java.io.UncheckedIOException
                && e.getCause() instanceof UpstreamReadException read) {
            // A blob whose body could not be read to its end, even after resuming.
            LOG.warnf("upstream: %s", UpstreamException.describe(read));
            return of(502, "UPSTREAM_ERROR", UpstreamException.describe(read));
        }
        if (e instanceof DigestMismatchException) {
            LOG.warnf("digest mismatch: %s", UpstreamException.describe(e));
            return of(502, "DIGEST_INVALID", UpstreamException.describe(e));
        }
        if (e instanceof CacheFullException) {
            LOG.warnf("cache full: %s", UpstreamException.describe(e));
            return of(507, "CACHE_FULL", UpstreamException.describe(e));
        }
        if (e instanceof java.util.concurrent.RejectedExecutionException) {
            LOG.warnf("too many pulls: %s", UpstreamException.describe(e));
            return Response.fromResponse(of(503, "TOOMANYREQUESTS", "too many blobs are being"
                    + " pulled from upstream at once; try again shortly"))
                    .header("Retry-After", "5").build();
        }
        if (e instanceof IllegalArgumentException) {
            return of(400, "INVALID", UpstreamException.describe(e));
        }
        if (e instanceof jakarta.ws.rs.WebApplicationException w) {
            return w.getResponse();
        }
        LOG.error("unexpected failure", e);
        return of(500, "INTERNAL", e.getClass().getSimpleName() + ": "
                + UpstreamException.describe(e));
    }
}
