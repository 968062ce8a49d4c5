package io.rackswarm.tracker.auth;

import io.rackswarm.core.token.AnnounceToken;
import io.rackswarm.tracker.announce.TrackerFailure;
import io.rackswarm.tracker.config.TrackerConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Checks the announce token. A token proves an identity; identities under {@code origin/} are
 * seeder-service replicas, which the handout policy treats as origins.
 */
@ApplicationScoped
public class AnnounceAuthorizer {

    /** The identity prefix of seeder-service replicas. */
    public static final String ORIGIN_PREFIX = "origin/";

    private final AnnounceToken tokens;

    public AnnounceAuthorizer(TrackerConfig config) {
        this.tokens = new AnnounceToken(config.announceSecrets());
    }

    /** The verified identity. */
    public String authorize(String token) {
        return tokens.verify(token).orElseThrow(() -> new TrackerFailure(
                TrackerFailure.Kind.UNAUTHORIZED, "invalid token: this is a private tracker"));
    }

    public static boolean isOrigin(String identity) {
        return identity.startsWith(ORIGIN_PREFIX);
    }
}
