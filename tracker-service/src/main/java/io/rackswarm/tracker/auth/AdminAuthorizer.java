package io.rackswarm.tracker.auth;

import io.rackswarm.tracker.config.TrackerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/** Guards the registration API with the admin bearer token. */
@ApplicationScoped
public class AdminAuthorizer {

    private final byte[] expected;

    public AdminAuthorizer(TrackerConfig config) {
        if (config.adminToken().length() < 16) {
            throw new IllegalArgumentException(
                    "rackswarm.tracker.admin-token must be at least 16 characters");
        }
        this.expected = ("Bearer " + config.adminToken()).getBytes(StandardCharsets.UTF_8);
    }

    public void check(String authorization) {
        byte[] given = authorization == null ? new byte[0]
                : authorization.getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(expected, given)) {
            throw new NotAuthorizedException(Response.status(401)
                    .header("WWW-Authenticate", "Bearer realm=\"rackswarm\"")
                    .entity(Map.of("error", "a valid admin bearer token is required"))
                    .type("application/json").build());
        }
    }
}
