package io.rackswarm.tracker.auth;

import io.rackswarm.core.token.AnnounceToken;
import io.rackswarm.tracker.config.TrackerConfig;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.jboss.logging.Logger;

/**
 * The token exchange: {@code POST /api/v1/tokens} with the agent's projected ServiceAccount
 * token as bearer answers a short-lived announce token bound to the node its pod runs on. No node
 * then holds a signing secret, and a compromised node can speak only for itself.
 */
@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    private static final Logger LOG = Logger.getLogger(TokenResource.class);
    private static final String BEARER = "Bearer ";
    private static final int MAX_TOKEN_CHARS = 16 * 1024;

    private final TrackerConfig.TokenExchange config;
    private final AnnounceToken nodes;
    private final ServiceAccountReview review;
    private final Semaphore inFlight;

    public TokenResource(TrackerConfig config, ServiceAccountReview review) {
        this.config = config.tokenExchange();
        this.nodes = new AnnounceToken(config.nodeSecrets());
        this.review = review;
        this.inFlight = new Semaphore(Math.max(1, this.config.maxConcurrent()));
        if (this.config.tokenTtl().compareTo(Duration.ofSeconds(10)) < 0) {
            throw new IllegalArgumentException(
                    "rackswarm.tracker.token-exchange.token-ttl must be at least 10s");
        }
    }

    /** Runs on a worker thread: the TokenReview and the pod lookup block. */
    @POST
    public Response exchange(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (!config.enabled()) {
            return error(404, "the token exchange is off "
                    + "(rackswarm.tracker.token-exchange.enabled=false)").build();
        }
        if (authorization == null || !authorization.startsWith(BEARER)
                || authorization.length() == BEARER.length()
                || authorization.length() > BEARER.length() + MAX_TOKEN_CHARS) {
            return error(401, "send the projected ServiceAccount token (audience "
                    + config.audience() + ") as Authorization: Bearer <token>")
                    .header("WWW-Authenticate", "Bearer realm=\"rackswarm\"").build();
        }
        if (!inFlight.tryAcquire()) {
            return error(503, "too many token exchanges in progress; retry in a second")
                    .header("Retry-After", "1").build();
        }
        try {
            String node = review.nodeOf(authorization.substring(BEARER.length()).trim());
            Instant expires = Instant.now().plus(config.tokenTtl());
            String token = nodes.mint(node, expires);
            return Response.ok(Map.of("token", token, "node", node,
                    "expiresAt", expires.toString(),
                    "expiresInSeconds", config.tokenTtl().toSeconds())).build();
        } catch (ServiceAccountReview.Refused e) {
            if (e.status() >= 500) {
                LOG.warnf("token exchange: %s", e.getMessage());
            } else {
                LOG.infof("token exchange refused (%d): %s", e.status(), e.getMessage());
            }
            return error(e.status(), e.getMessage()).build();
        } catch (IllegalArgumentException e) {
            return error(403, "the token's node has no valid name: " + e.getMessage()).build();
        } finally {
            inFlight.release();
        }
    }

    private static Response.ResponseBuilder error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message));
    }
}
