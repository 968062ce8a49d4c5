package io.rackswarm.tracker.announce;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code GET /announce} (BEP 3). Answers are always HTTP 200 with a bencoded body, failures
 * included, because that is what BitTorrent clients read.
 */
@Path("/announce")
public class AnnounceResource {

    private final AnnounceService service;

    public AnnounceResource(AnnounceService service) {
        this.service = service;
    }

    @GET
    @Produces("text/plain")
    public Uni<byte[]> announce(@Context HttpServerRequest request) {
        return service.announce(request.query(), remoteAddress(request));
    }

    static InetAddress remoteAddress(HttpServerRequest request) {
        try {
            return InetAddress.getByName(request.remoteAddress().hostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("remote address is always a literal", e);
        }
    }
}
