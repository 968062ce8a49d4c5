package io.rackswarm.agent.mirror;

import io.rackswarm.agent.cache.AgentCache;
import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.agent.fetch.BlobFetcher;
import io.rackswarm.agent.fetch.DescriptorSizes;
import io.rackswarm.agent.fetch.Download;
import io.rackswarm.agent.fetch.FetchMetrics;
import io.rackswarm.agent.seeder.SeederClient;
import io.rackswarm.agent.seeder.SeederClient.Manifest;
import io.rackswarm.agent.seeder.SeederException;
import io.rackswarm.core.cache.BlobCache;
import io.rackswarm.core.oci.ByteRange;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.RegistryHost;
import io.rackswarm.core.oci.Repository;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The OCI distribution endpoints containerd pulls through ({@code GET} and {@code HEAD} of
 * {@code /v2/}, manifests and blobs, with the {@code ns} parameter naming the upstream registry).
 * Manifests pass through from the seeders and are kept by digest; blobs come from the node's
 * cache or from a download, streamed as it arrives. Whatever cannot be served is a 404 with an
 * OCI error body, so that containerd falls back to the next host.
 */
@ApplicationScoped
public class MirrorRoutes {

    private static final Logger LOG = Logger.getLogger(MirrorRoutes.class);
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    private static final String ACCEPT_ALL = String.join(", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    private final AgentCache cache;
    private final BlobFetcher fetcher;
    private final BlobStreamer streamer;
    private final SeederClient seeder;
    private final ManifestCache manifests;
    private final DescriptorSizes sizes;
    private final FetchMetrics metrics;
    private final long sizeWaitMillis;
    private final long p2pMinBytes;
    private final boolean prefetchSmallBlobs;
    /** At most this much of an image's small blobs is prefetched per manifest. */
    private static final long PREFETCH_BYTES = 32L * 1024 * 1024;

    public MirrorRoutes(AgentCache cache, BlobFetcher fetcher, BlobStreamer streamer,
            SeederClient seeder, ManifestCache manifests, DescriptorSizes sizes,
            FetchMetrics metrics, AgentConfig config) {
        this.cache = cache;
        this.fetcher = fetcher;
        this.streamer = streamer;
        this.seeder = seeder;
        this.manifests = manifests;
        this.sizes = sizes;
        this.metrics = metrics;
        this.sizeWaitMillis = config.seederRequestTimeout().toMillis()
                + config.seederConnectTimeout().toMillis();
        this.p2pMinBytes = config.p2pMinBytes();
        this.prefetchSmallBlobs = config.prefetchSmallBlobs();
    }

    void routes(@Observes Router router) {
        router.routeWithRegex("/v2/?").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(ctx -> ctx.response().putHeader("Docker-Distribution-API-Version",
                        "registry/2.0").putHeader("Content-Type", "application/json").end("{}"));
        router.routeWithRegex("/v2/(.+)/(manifests|blobs)/([^/]+)").method(HttpMethod.GET)
                .method(HttpMethod.HEAD).blockingHandler(this::content, false);
    }

    private void content(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        boolean head = ctx.request().method() == HttpMethod.HEAD;
        Repository repository;
        Optional<RegistryHost> ns;
        try {
            String name = ctx.pathParam("param0");
            String nsParam = ctx.request().getParam("ns");
            if (nsParam == null || nsParam.isEmpty()) {
                // CRI-O's mirrors name the registry as the first path component.
                int slash = name.indexOf('/');
                String first = slash > 0 ? name.substring(0, slash) : "";
                if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                    nsParam = first;
                    name = name.substring(slash + 1);
                }
            }
            repository = new Repository(name);
            ns = nsParam == null || nsParam.isEmpty() ? Optional.empty()
                    : Optional.of(RegistryHost.parse(nsParam));
        } catch (IllegalArgumentException e) {
            OciErrors.send(response, 400, "NAME_INVALID", e.getMessage());
            return;
        }
        String reference = ctx.pathParam("param2");
        if (ctx.pathParam("param1").equals("manifests")) {
            manifest(ctx, ns, repository, reference, head);
        } else {
            Digest digest;
            try {
                digest = Digest.parse(reference);
            } catch (IllegalArgumentException e) {
                OciErrors.send(response, 400, "DIGEST_INVALID", e.getMessage());
                return;
            }
            blob(ctx, ns, repository, digest, head);
        }
    }

    private void manifest(RoutingContext ctx, Optional<RegistryHost> ns, Repository repository,
            String reference, boolean head) {
        HttpServerResponse response = ctx.response();
        Optional<Digest> byDigest = Optional.empty();
        if (reference.contains(":")) {
            try {
                byDigest = Optional.of(Digest.parse(reference));
            } catch (IllegalArgumentException e) {
                OciErrors.send(response, 400, "DIGEST_INVALID", e.getMessage());
                return;
            }
        } else if (!TAG.matcher(reference).matches()) {
            OciErrors.send(response, 400, "TAG_INVALID", "invalid tag: " + reference);
            return;
        }
        Optional<Manifest> found = byDigest.flatMap(manifests::get);
        if (found.isEmpty()) {
            try {
                String accept = Optional.ofNullable(ctx.request().getHeader("Accept"))
                        .orElse(ACCEPT_ALL);
                Manifest m = seeder.manifest(ns, repository, reference, accept);
                if (byDigest.isPresent() && !byDigest.get().equals(sha256(m.bytes()))) {
                    throw new SeederException(502, "manifest " + reference
                            + " arrived with other bytes");
                }
                manifests.put(m);
                learnSizes(m).forEach(small -> prefetch(ns, repository, small));
                found = Optional.of(m);
            } catch (SeederException e) {
                LOG.debugf("manifest %s:%s not served: %s", repository, reference,
                        e.getMessage());
                OciErrors.send(response, 404, "MANIFEST_UNKNOWN", e.getMessage());
                return;
            }
        }
        Manifest m = found.get();
        response.putHeader("Content-Type", m.mediaType())
                .putHeader("Docker-Content-Digest", m.digest().toString())
                .putHeader("Content-Length", Integer.toString(m.bytes().length));
        if (head) {
            response.end();
        } else {
            response.end(io.vertx.core.buffer.Buffer.buffer(m.bytes()));
        }
    }

    /**
     * Remembers the sizes of an image manifest's config and layers.
     *
     * @return the blobs small enough to prefetch
     */
    private java.util.List<Digest> learnSizes(Manifest m) {
        java.util.List<Digest> small = new java.util.ArrayList<>();
        try {
            JsonObject json = new JsonObject(io.vertx.core.buffer.Buffer.buffer(m.bytes()));
            java.util.List<JsonObject> descriptors = new java.util.ArrayList<>();
            if (json.getJsonObject("config") != null) {
                descriptors.add(json.getJsonObject("config"));
            }
            JsonArray layers = json.getJsonArray("layers");
            for (int i = 0; layers != null && i < layers.size(); i++) {
                descriptors.add(layers.getJsonObject(i));
            }
            long smallBytes = 0;
            for (JsonObject d : descriptors) {
                Digest digest = Digest.parse(d.getString("digest"));
                long size = d.getLong("size", -1L);
                sizes.put(digest, size);
                if (size >= 0 && size < p2pMinBytes && smallBytes + size <= PREFETCH_BYTES) {
                    small.add(digest);
                    smallBytes += size;
                }
            }
        } catch (RuntimeException e) {
            LOG.debugf("manifest %s: sizes not read: %s", m.digest(), e.getMessage());
        }
        return small;
    }

    /**
     * Starts fetching a small blob the runtime will most likely ask for next (an image's config
     * and small layers follow its manifest), so that a first pull of a small image costs about
     * one round trip to the seeder instead of one per blob. Skipped when the blob is cached or
     * the fetcher is busy.
     */
    private void prefetch(Optional<RegistryHost> ns, Repository repository, Digest digest) {
        if (!prefetchSmallBlobs || cache.isCached(digest) || !digest.algorithm().equals("sha256")) {
            return;
        }
        try {
            fetcher.fetch(ns, repository, digest);
        } catch (RejectedExecutionException busy) {
            // the runtime's own request will fetch it
        }
    }

    private void blob(RoutingContext ctx, Optional<RegistryHost> ns, Repository repository,
            Digest digest, boolean head) {
        HttpServerResponse response = ctx.response();
        Optional<BlobCache.Lease> lease = cache.lease(digest);
        if (lease.isPresent()) {
            metrics.served("cache");
            sendCached(ctx, digest, lease.get(), head);
            return;
        }
        Download download;
        try {
            download = fetcher.fetch(ns, repository, digest);
        } catch (IllegalArgumentException e) {
            OciErrors.send(response, 400, "DIGEST_INVALID", e.getMessage());
            return;
        } catch (RejectedExecutionException e) {
            OciErrors.send(response, 404, "BLOB_UNKNOWN", "agent busy: too many downloads");
            return;
        }
        long size;
        try {
            size = download.awaitSize(sizeWaitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            OciErrors.send(response, 404, "BLOB_UNKNOWN", "interrupted");
            return;
        }
        if (size < 0) {
            String why = download.done().isCompletedExceptionally()
                    ? download.done().handle((p, e) -> e.getMessage()).join()
                    : "no size within " + sizeWaitMillis + " ms";
            OciErrors.send(response, 404, "BLOB_UNKNOWN", "blob " + digest + " unavailable: "
                    + why);
            return;
        }
        metrics.served("download");
        ByteRange range;
        try {
            range = ByteRange.parse(ctx.request().getHeader("Range"), size)
                    .orElse(null);
        } catch (ByteRange.NotSatisfiable e) {
            response.setStatusCode(416).putHeader("Content-Range", "bytes */" + size).end();
            return;
        }
        long first = range == null ? 0 : range.first();
        long last = range == null ? size - 1 : range.last();
        blobHeaders(response, digest, range, size);
        response.putHeader("Content-Length", Long.toString(last - first + 1));
        if (head) {
            response.end();
            return;
        }
        try {
            streamer.stream(response, download, first, last);
        } catch (RejectedExecutionException e) {
            response.headers().remove("Content-Length");
            response.setStatusCode(200);
            OciErrors.send(response, 404, "BLOB_UNKNOWN", "agent busy: too many streams");
        }
    }

    private static void blobHeaders(HttpServerResponse response, Digest digest,
            ByteRange range, long size) {
        response.putHeader("Docker-Content-Digest", digest.toString())
                .putHeader("Accept-Ranges", "bytes")
                .putHeader("Content-Type", "application/octet-stream");
        if (range != null) {
            response.setStatusCode(206).putHeader("Content-Range", range.contentRange(size));
        }
    }

    private void sendCached(RoutingContext ctx, Digest digest, BlobCache.Lease lease,
            boolean head) {
        HttpServerResponse response = ctx.response();
        long size;
        try {
            size = Files.size(lease.path());
        } catch (IOException e) {
            lease.close();
            OciErrors.send(response, 404, "BLOB_UNKNOWN", e.getMessage());
            return;
        }
        ByteRange range;
        try {
            range = ByteRange.parse(ctx.request().getHeader("Range"), size).orElse(null);
        } catch (ByteRange.NotSatisfiable e) {
            lease.close();
            response.setStatusCode(416).putHeader("Content-Range", "bytes */" + size).end();
            return;
        }
        blobHeaders(response, digest, range, size);
        long first = range == null ? 0 : range.first();
        long length = range == null ? size : range.length();
        if (head) {
            lease.close();
            response.putHeader("Content-Length", Long.toString(length)).end();
            return;
        }
        // Sent from the file by the HTTP layer (sendfile); held against eviction until done.
        response.closeHandler(closed -> lease.close());
        response.sendFile(lease.path().toString(), first, length, done -> lease.close());
    }

    private static Digest sha256(byte[] bytes) {
        try {
            return new Digest("sha256", HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(bytes)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
