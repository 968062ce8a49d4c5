package io.rackswarm.tracker.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.runtime.Startup;
import io.rackswarm.core.token.AnnounceToken;
import io.rackswarm.tracker.announce.TrackerFailure;
import io.rackswarm.tracker.config.TrackerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks the announce token. Identities under {@code origin/} are seeder-service replicas, which
 * the handout policy treats as origins; only a token signed with an origin secret proves one.
 * Every other identity is a node, proven only by a token signed with a node secret, so a node
 * (which never holds the origin secret) cannot pose as a seeder.
 */
@Startup
@ApplicationScoped
public class AnnounceAuthorizer {

    /** The identity prefix of seeder-service replicas. */
    public static final String ORIGIN_PREFIX = "origin/";

    /** Verified tokens kept at most. */
    private static final int MAX_CACHED = 100_000;

    private final AnnounceToken origins;
    private final AnnounceToken nodes;
    /**
     * Tokens already verified, with what they claim: a node sends the same token on every
     * announce, and an HMAC per announce is wasted work. Secrets only change with the
     * configuration (a restart), so a verified token stays valid until its expiry, which is
     * checked on every use; invalid tokens are not kept.
     */
    private final Cache<String, AnnounceToken.Claim> verified =
            Caffeine.newBuilder().maximumSize(MAX_CACHED).build();

    public AnnounceAuthorizer(TrackerConfig config) {
        this.origins = new AnnounceToken(config.originSecrets());
        this.nodes = new AnnounceToken(config.nodeSecrets());
        if (origins.sharesSecretWith(nodes)) {
            throw new IllegalArgumentException("rackswarm.tracker.origin-secrets and "
                    + "node-secrets must differ: a node holding an origin secret could pose as "
                    + "a seeder");
        }
    }

    /** The verified identity. */
    public String authorize(String token) {
        AnnounceToken.Claim claim = token == null ? null : verified.getIfPresent(token);
        if (claim == null) {
            claim = verify(token).orElseThrow(() -> new TrackerFailure(
                    TrackerFailure.Kind.UNAUTHORIZED, "invalid token: this is a private tracker"));
            verified.put(token, claim);
        }
        if (claim.expired(Instant.now())) {
            throw new TrackerFailure(TrackerFailure.Kind.UNAUTHORIZED, "token expired at "
                    + claim.expiresAt() + ": get a new one from POST /api/v1/tokens");
        }
        return claim.identity();
    }

    private Optional<AnnounceToken.Claim> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        // The identity decides which secrets may have signed it.
        return token.startsWith(ORIGIN_PREFIX) ? origins.verify(token)
                : nodes.verify(token);
    }

    public static boolean isOrigin(String identity) {
        return identity.startsWith(ORIGIN_PREFIX);
    }
}
