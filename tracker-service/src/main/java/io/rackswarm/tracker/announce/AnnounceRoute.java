package io.rackswarm.tracker.announce;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * {@code GET /announce} (BEP 3), as a plain Vert.x route: the query string must reach the parser
 * raw, since a JAX-RS layer would reject binary percent-encoding before the tracker could answer
 * with a failure reason. Answers are always HTTP 200 with a bencoded body, as clients expect.
 */
@ApplicationScoped
public class AnnounceRoute {

    private final AnnounceService service;

    public AnnounceRoute(AnnounceService service) {
        this.service = service;
    }

    void register(@Observes Router router) {
        router.get("/announce").handler(this::announce);
    }

    private void announce(RoutingContext ctx) {
        service.announce(ctx.request().query(), remoteAddress(ctx.request()))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        bencoded(ctx, ar.result());
                    } else {
                        ctx.fail(ar.cause());
                    }
                });
    }

    private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("Content-Type");
    private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain");

    /** Writes a bencoded answer. */
    public static void bencoded(RoutingContext ctx, byte[] body) {
        ctx.response().putHeader(CONTENT_TYPE, TEXT_PLAIN).end(Buffer.buffer(body));
    }

    public static InetAddress remoteAddress(HttpServerRequest request) {
        try {
            return InetAddress.getByName(request.remoteAddress().hostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("remote address is always a literal", e);
        }
    }
}
