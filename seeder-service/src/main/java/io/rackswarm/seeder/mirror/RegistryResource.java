package io.rackswarm.seeder.mirror;

import io.rackswarm.core.oci.ByteRange;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.Reference;
import io.rackswarm.core.oci.Repository;
import io.rackswarm.seeder.upstream.Manifest;
import io.rackswarm.seeder.upstream.RegistryClient;
import io.rackswarm.seeder.upstream.UpstreamException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import io.vertx.ext.web.RoutingContext;
import io.rackswarm.core.cache.BlobCache;
import io.rackswarm.core.cache.Filling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.PathPart;

/**
 * Read-only OCI distribution endpoints: the agents' HTTP fallback. Blobs come from the cache
 * (pulled through on a miss) with {@code Range} support; manifests pass through from upstream
 * byte for byte. {@code ns} names the upstream registry, as containerd sends it to mirrors.
 */
@Path("/v2")
public class RegistryResource {

    private final PullThrough pullThrough;
    private final RegistryClient upstream;
    private final Ownership ownership;
    private final Upstreams upstreams;

    public RegistryResource(PullThrough pullThrough, RegistryClient upstream,
            Ownership ownership, Upstreams upstreams) {
        this.pullThrough = pullThrough;
        this.upstream = upstream;
        this.ownership = ownership;
        this.upstreams = upstreams;
    }

    @GET
    @Path("/")
    public Response base() {
        return Response.ok(Map.of()).header("Docker-Distribution-API-Version", "registry/2.0")
                .build();
    }

    @GET
    @Path("/{name: .+}/blobs/{digest}")
    public Response blob(@PathParam("name") String name, @PathParam("digest") String digest,
            @QueryParam("ns") String ns, @HeaderParam("Range") String range,
            @Context RoutingContext response) {
        return serveBlob(name, digest, ns, range, response);
    }

    @HEAD
    @Path("/{name: .+}/blobs/{digest}")
    public Response blobHead(@PathParam("name") String name, @PathParam("digest") String digest,
            @QueryParam("ns") String ns) {
        return serveBlob(name, digest, ns, null, null);
    }

    /** @param body where the bytes go, or null for HEAD */
    private Response serveBlob(String name, String digestText, String ns, String rangeHeader,
            RoutingContext body) {
        Repository repository = new Repository(name);
        Digest digest = Digest.parse(digestText);
        String registry = upstreams.resolve(ns);
        boolean cold = pullThrough.cached(digest).isEmpty();
        if (cold) {
            Optional<URI> owner = ownership.ownerElsewhere(digest);
            if (owner.isPresent()) {
                // 307 keeps the method (HEAD stays HEAD); registry clients follow it.
                return Response.temporaryRedirect(owner.get().resolve("/v2/" + repository
                        + "/blobs/" + digest + (ns == null ? "" : "?ns=" + ns))).build();
            }
        }
        if (cold) {
            // A cold pull streams: the client gets the bytes as they arrive from upstream (a
            // HEAD, as soon as upstream said how long the blob is).
            Optional<Filling> pull = pullThrough.pull(registry, repository, digest);
            long length = pull.isPresent() ? announcedLength(pull.get()) : -1;
            if (length >= 0) {
                Filling following = pull.get();
                return blobResponse(digest, length, rangeHeader,
                        (from, to) -> (jakarta.ws.rs.core.StreamingOutput) out -> {
                    // Written and flushed as the bytes arrive: an InputStream entity would sit
                    // in the response's buffer while the pull waits on upstream.
                    try (FollowingStream in = new FollowingStream(following, length, from,
                            to + 1)) {
                        byte[] buffer = new byte[256 * 1024];
                        int n;
                        while ((n = in.read(buffer)) > 0) {
                            out.write(buffer, 0, n);
                            out.flush();
                        }
                    }
                }, body != null);
            }
            // The upstream does not say how long the blob is: it is served once cached.
        }
        BlobCache.Lease lease = pullThrough.leaseBlob(registry, repository, digest);
        java.nio.file.Path path = lease.path();
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            lease.close();
            throw new UncheckedIOException(e);
        }
        if (body == null) {
            lease.close();
        } else {
            // The file is sent after this method returns; it must not be evicted until then.
            body.addEndHandler(done -> lease.close());
        }
        // Sent by the HTTP layer straight from the file (sendfile where it can).
        return blobResponse(digest, size, rangeHeader,
                (from, to) -> new PathPart(path, from, to - from + 1), body != null);
    }

    /** The body of bytes {@code from..to} (inclusive) of a blob. */
    @FunctionalInterface
    private interface Slice {
        Object of(long from, long to);
    }

    /**
     * A blob's answer: the whole blob, or the range asked for (206), or 416 when the range lies
     * outside it; with a body only when {@code withBody} (GET, not HEAD).
     */
    private static Response blobResponse(Digest digest, long size, String rangeHeader,
            Slice slice, boolean withBody) {
        ByteRange range;
        try {
            range = ByteRange.parse(rangeHeader, size).orElse(null);
        } catch (ByteRange.NotSatisfiable e) {
            return Response.status(416).header("Content-Range", "bytes */" + size).build();
        }
        long from = range == null ? 0 : range.first();
        long to = range == null ? size - 1 : range.last();
        Response.ResponseBuilder r = Response.status(range == null ? 200 : 206)
                .header("Docker-Content-Digest", digest.toString())
                .header("Accept-Ranges", "bytes")
                .header("Content-Length", to - from + 1)
                .type("application/octet-stream");
        if (range != null) {
            r.header("Content-Range", range.contentRange(size));
        }
        if (withBody && to >= from) {
            r.entity(slice.of(from, to));
        }
        return r.build();
    }

    /**
     * The blob's length as the upstream announced it, once the pull has opened it; -1 when the
     * upstream does not say. The pull's own deadlines bound the wait.
     *
     * @throws RuntimeException what the pull failed with, if it failed before that
     */
    private static long announcedLength(Filling pull) {
        try {
            while (true) {
                long length = pull.awaitLength(1000);
                if (length >= 0 || pull.started()) {
                    return length;
                }
                if (pull.done().isDone()) {
                    PullThrough.await(pull);
                    return -1;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @GET
    @Path("/{name: .+}/manifests/{reference}")
    public Response manifest(@PathParam("name") String name,
            @PathParam("reference") String reference, @QueryParam("ns") String ns) {
        return serveManifest(name, reference, ns, true);
    }

    @HEAD
    @Path("/{name: .+}/manifests/{reference}")
    public Response manifestHead(@PathParam("name") String name,
            @PathParam("reference") String reference, @QueryParam("ns") String ns) {
        return serveManifest(name, reference, ns, false);
    }

    private Response serveManifest(String name, String reference, String ns, boolean body) {
        boolean byDigest = reference.contains(":");
        Reference ref = new Reference(upstreams.resolve(ns), new Repository(name),
                byDigest ? null : reference, byDigest ? Digest.parse(reference) : null);
        Manifest m;
        try {
            m = upstream.manifest(ref);
        } catch (UpstreamException e) {
            if (e.status() == 404) {
                return OciError.of(404, "MANIFEST_UNKNOWN", e.getMessage());
            }
            throw e;
        }
        Response.ResponseBuilder r = Response.ok().type(m.mediaType())
                .header("Docker-Content-Digest", m.digest().toString())
                .header("Content-Length", m.bytes().length);
        if (body) {
            r.entity(m.bytes());
        }
        return r.build();
    }
}
