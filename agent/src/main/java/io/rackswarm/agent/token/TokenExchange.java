package io.rackswarm.agent.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The agent's side of the tracker's token exchange: the pod's projected ServiceAccount token
 * (read fresh each time: the kubelet rotates it) goes to {@code POST /api/v1/tokens}, and a
 * short-lived node token comes back.
 */
final class TokenExchange {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_FILE_BYTES = 16 * 1024;

    /** A node token and when it expires. */
    record Issued(String token, String node, Instant expiresAt) {
    }

    /**
     * Why no token came back; {@code refused} when the tracker said no (a configuration
     * problem: audience, ServiceAccount, RBAC), otherwise it was unreachable or failing.
     */
    static final class Failed extends Exception {
        final boolean refused;

        Failed(boolean refused, String message) {
            super(message, null, false, false);
            this.refused = refused;
        }
    }

    private final URI endpoint;
    private final Path serviceAccountToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
            .build();

    TokenExchange(String trackerUrl, Path serviceAccountToken) {
        this.endpoint = URI.create(trackerUrl.replaceAll("/+$", "") + "/api/v1/tokens");
        this.serviceAccountToken = serviceAccountToken;
    }

    Issued exchange() throws Failed, InterruptedException {
        String credential = readCredential();
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(endpoint).timeout(REQUEST_TIMEOUT)
                    .header("Authorization", "Bearer " + credential)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Failed(false, "tracker " + endpoint + " unreachable: " + e);
        }
        if (response.statusCode() != 200) {
            boolean refused = response.statusCode() >= 400 && response.statusCode() < 500;
            throw new Failed(refused, "tracker answered " + response.statusCode() + ": "
                    + errorText(response.body()));
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            String token = body.path("token").asText("");
            String node = body.path("node").asText("");
            Instant expires = Instant.parse(body.path("expiresAt").asText(""));
            if (token.isEmpty() || node.isEmpty()) {
                throw new IOException("no token or node");
            }
            return new Issued(token, node, expires);
        } catch (IOException | RuntimeException e) {
            throw new Failed(false, "tracker sent an answer that is no token: "
                    + abbreviate(response.body()));
        }
    }

    private String readCredential() throws Failed {
        try {
            if (Files.size(serviceAccountToken) > MAX_FILE_BYTES) {
                throw new Failed(true, serviceAccountToken + " is larger than a token");
            }
            String token = Files.readString(serviceAccountToken).trim();
            if (token.isEmpty()) {
                throw new Failed(true, serviceAccountToken + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new Failed(true, "cannot read the ServiceAccount token " + serviceAccountToken
                    + ": " + e.getMessage() + " (mount a projected serviceAccountToken there)");
        }
    }

    private static String errorText(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isTextual()) {
                return error.asText();
            }
        } catch (IOException e) {
            // not JSON: show the start of it
        }
        return abbreviate(body);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
