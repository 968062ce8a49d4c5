package io.rackswarm.tracker.auth;

import io.rackswarm.core.token.AnnounceToken;
import io.rackswarm.tracker.announce.TrackerFailure;
import io.rackswarm.tracker.config.TrackerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks the announce token. A token proves an identity; identities under {@code origin/} are
 * seeder-service replicas, which the handout policy treats as origins.
 */
@ApplicationScoped
public class AnnounceAuthorizer {

    /** The identity prefix of seeder-service replicas. */
    public static final String ORIGIN_PREFIX = "origin/";

    /** Verified tokens kept at most; the cache starts over when full. */
    private static final int MAX_CACHED = 100_000;

    private final AnnounceToken tokens;
    /**
     * Tokens already verified, with their identity: a node sends the same token on every
     * announce, and an HMAC per announce is wasted work. Secrets only change with the
     * configuration (a restart), so a verified token stays valid; invalid ones are not kept.
     */
    private final ConcurrentHashMap<String, String> verified = new ConcurrentHashMap<>();

    public AnnounceAuthorizer(TrackerConfig config) {
        this.tokens = new AnnounceToken(config.announceSecrets());
    }

    /** The verified identity. */
    public String authorize(String token) {
        String identity = token == null ? null : verified.get(token);
        if (identity != null) {
            return identity;
        }
        identity = tokens.verify(token).orElseThrow(() -> new TrackerFailure(
                TrackerFailure.Kind.UNAUTHORIZED, "invalid token: this is a private tracker"));
        if (verified.size() >= MAX_CACHED) {
            verified.clear();
        }
        verified.put(token, identity);
        return identity;
    }

    public static boolean isOrigin(String identity) {
        return identity.startsWith(ORIGIN_PREFIX);
    }
}
