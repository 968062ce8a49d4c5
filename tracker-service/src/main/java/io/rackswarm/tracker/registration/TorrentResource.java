package io.rackswarm.tracker.registration;

import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.tracker.auth.AdminAuthorizer;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Registration API used by seeders: which info-hashes this private tracker serves and which
 * blob each carries. Every call needs the admin bearer token.
 */
@Path("/api/v1/torrents")
@Produces(MediaType.APPLICATION_JSON)
public class TorrentResource {

    private static final long MAX_BLOB_BYTES = 1L << 44;
    private static final Logger LOG = Logger.getLogger(TorrentResource.class);
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final RegistrationStore store;
    private final AdminAuthorizer admin;

    public TorrentResource(RegistrationStore store, AdminAuthorizer admin) {
        this.store = store;
        this.admin = admin;
    }

    @PUT
    @Path("/{infohash}")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> register(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @PathParam("infohash") String infohash, String json) {
        admin.check(auth);
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT)
                .startsWith(MediaType.APPLICATION_JSON)) {
            return Uni.createFrom().item(error(415,
                    "send the body as Content-Type: application/json"));
        }
        InfoHash ih;
        Digest digest;
        TorrentRegistration body;
        try {
            body = JSON.readValue(json == null ? "" : json, TorrentRegistration.class);
        } catch (java.io.IOException e) {
            return Uni.createFrom().item(error(400, "body must be JSON {\"digest\":\"sha256:…\","
                    + "\"size\":N}"));
        }
        try {
            ih = InfoHash.ofHex(infohash);
            if (body == null || body.digest() == null || body.size() == null) {
                throw new IllegalArgumentException("body needs digest and size");
            }
            digest = Digest.parse(body.digest());
            if (body.size() < 0 || body.size() > MAX_BLOB_BYTES) {
                throw new IllegalArgumentException("size must be 0.." + MAX_BLOB_BYTES);
            }
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(error(400, e.getMessage()));
        }
        return store.register(ih, digest, body.size(), System.currentTimeMillis())
                .map(outcome -> switch (outcome) {
                    case CREATED -> Response.status(201)
                            .entity(Map.of("infoHash", ih.hex(), "digest", digest.toString()))
                            .build();
                    case UNCHANGED -> Response.ok(
                            Map.of("infoHash", ih.hex(), "digest", digest.toString())).build();
                    case CONFLICT -> error(409, "info-hash " + ih.hex()
                            + " is registered for another digest or size");
                }).onFailure().recoverWithItem(TorrentResource::unavailable);
    }

    @GET
    @Path("/{infohash}")
    public Uni<Response> get(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @PathParam("infohash") String infohash) {
        admin.check(auth);
        InfoHash ih = infoHash(infohash);
        return store.find(ih).map(info -> info.map(i -> Response.ok(i).build())
                .orElseGet(() -> error(404, "info-hash " + ih.hex() + " is not registered")))
                .onFailure().recoverWithItem(TorrentResource::unavailable);
    }

    /** Looks a blob's info-hash up by its digest: {@code GET /api/v1/torrents?digest=...}. */
    @GET
    public Uni<Response> byDigest(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @QueryParam("digest") String digestText) {
        admin.check(auth);
        Digest digest;
        try {
            if (digestText == null) {
                throw new IllegalArgumentException("query parameter digest is required");
            }
            digest = Digest.parse(digestText);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(error(400, e.getMessage()));
        }
        return store.findByDigest(digest).flatMap(ih -> ih
                .map(h -> store.find(h).map(info -> info
                        .map(i -> Response.ok(i).build())
                        .orElseGet(() -> error(404, "no torrent for " + digest))))
                .orElseGet(() -> Uni.createFrom().item(error(404, "no torrent for " + digest))))
                .onFailure().recoverWithItem(TorrentResource::unavailable);
    }

    @DELETE
    @Path("/{infohash}")
    public Uni<Response> unregister(@HeaderParam(HttpHeaders.AUTHORIZATION) String auth,
            @PathParam("infohash") String infohash) {
        admin.check(auth);
        InfoHash ih = infoHash(infohash);
        return store.unregister(ih).map(removed -> removed ? Response.noContent().build()
                : error(404, "info-hash " + ih.hex() + " is not registered"))
                .onFailure().recoverWithItem(TorrentResource::unavailable);
    }

    /** The path's info-hash; a malformed one ends the request with a 400. */
    private static InfoHash infoHash(String hex) {
        try {
            return InfoHash.ofHex(hex);
        } catch (IllegalArgumentException e) {
            throw new WebApplicationException(error(400, e.getMessage()));
        }
    }

    /** Redis failed or did not answer: 503 with the cause, logged once per call. */
    private static Response unavailable(Throwable cause) {
        LOG.warnf("registration API: Redis unavailable: %s: %s", cause.getClass().getSimpleName(),
                cause.getMessage());
        return error(503, "registration store unavailable, retry later: "
                + cause.getClass().getSimpleName());
    }

    static Response error(int status, String message) {
        return Response.status(status).entity(Map.of("error", message))
                .type(MediaType.APPLICATION_JSON).build();
    }
}
