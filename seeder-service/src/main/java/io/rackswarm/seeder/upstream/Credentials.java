package io.rackswarm.seeder.upstream;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;

/**
 * Registry credentials by host, read from a {@code dockerconfigjson} document (the content of a
 * Kubernetes {@code kubernetes.io/dockerconfigjson} Secret): {@code {"auths": {"host":
 * {"auth": base64(user:password)}}}} or {@code username}/{@code password} fields.
 */
public final class Credentials {

    /** A user and password for one registry. */
    public record Login(String user, String password) {
        public String basic() {
            return "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Login> byHost;

    private Credentials(Map<String, Login> byHost) {
        this.byHost = Map.copyOf(byHost);
    }

    public static Credentials none() {
        return new Credentials(Map.of());
    }

    public static Credentials of(Map<String, Login> byHost) {
        return new Credentials(byHost);
    }

    /** Parses a dockerconfigjson document; entries without usable credentials are skipped. */
    public static Credentials parseDockerConfig(String json) {
        JsonNode auths;
        try {
            auths = JSON.readTree(json).path("auths");
        } catch (IOException e) {
            throw new IllegalArgumentException("dockerconfigjson is not JSON: " + e.getMessage());
        }
        if (!auths.isObject()) {
            throw new IllegalArgumentException("dockerconfigjson has no \"auths\" object");
        }
        Map<String, Login> logins = new HashMap<>();
        auths.fields().forEachRemaining(entry -> {
            JsonNode e = entry.getValue();
            String user = e.path("username").asText(null);
            String password = e.path("password").asText(null);
            String auth = e.path("auth").asText(null);
            if (auth != null) {
                String decoded = new String(Base64.getDecoder().decode(auth),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    user = decoded.substring(0, colon);
                    password = decoded.substring(colon + 1);
                }
            }
            if (user != null && password != null) {
                logins.put(normalise(entry.getKey()), new Login(user, password));
            }
        });
        return new Credentials(logins);
    }

    /** Docker writes Docker Hub as https://index.docker.io/v1/; hosts match without scheme. */
    private static String normalise(String key) {
        String host = key.replaceFirst("^https?://", "");
        int slash = host.indexOf('/');
        host = slash >= 0 ? host.substring(0, slash) : host;
        return host.equals("index.docker.io") || host.equals("registry-1.docker.io")
                ? "docker.io" : host;
    }

    public Optional<Login> forHost(String host) {
        return Optional.ofNullable(byHost.get(normalise(host)));
    }
}
