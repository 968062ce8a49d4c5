package io.rackswarm.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A Docker registry token service (the Bearer flow of Docker Hub and Harbor) for a real
 * docker-registry configured with {@code auth: token}: it checks HTTP basic credentials and
 * issues RS256 JWTs granting the requested repository scope, signed by a key whose self-signed
 * certificate is the registry's root bundle.
 */
public final class TokenServer implements AutoCloseable {

    public static final String ISSUER = "rackswarm-test-issuer";
    public static final String SERVICE = "rackswarm-test-registry";

    private final HttpServer http;
    private final PrivateKey key;
    private final byte[] certificate;
    private final String user;
    private final String password;
    private final Path certPem;
    private int issued;

    private TokenServer(HttpServer http, PrivateKey key, byte[] certificate, Path certPem,
            String user, String password) {
        this.http = http;
        this.key = key;
        this.certificate = certificate;
        this.certPem = certPem;
        this.user = user;
        this.password = password;
    }

    public static TokenServer start(Path dir, String user, String password) throws Exception {
        Files.createDirectories(dir);
        Path store = dir.resolve("token.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin",
                "keytool").toString(), "-genkeypair", "-alias", "token", "-keyalg", "RSA",
                "-keysize", "2048", "-dname", "CN=rackswarm-test-token", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("token", "changeit".toCharArray());
        Certificate cert = ks.getCertificate("token");
        byte[] der = cert.getEncoded();
        Path pem = Files.writeString(dir.resolve("token-cert.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n");
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        TokenServer server = new TokenServer(http, key, der, pem, user, password);
        http.createContext("/token", server::handle);
        http.start();
        return server;
    }

    public String realm() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/token";
    }

    public Path certificatePem() {
        return certPem;
    }

    public synchronized int tokensIssued() {
        return issued;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
        }
        Map<String, String> query = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                query.put(pair.substring(0, eq),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        StringBuilder access = new StringBuilder();
        String scope = query.get("scope");
        if (scope != null) {
            String[] parts = scope.split(":");
            if (parts.length == 3) {
                access.append("{\"type\":\"").append(parts[0]).append("\",\"name\":\"")
                        .append(parts[1]).append("\",\"actions\":[\"")
                        .append(String.join("\",\"", parts[2].split(","))).append("\"]}");
            }
        }
        long now = System.currentTimeMillis() / 1000;
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\""
                + Base64.getEncoder().encodeToString(certificate) + "\"]}";
        String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + user + "\",\"aud\":\""
                + SERVICE + "\",\"exp\":" + (now + 300) + ",\"nbf\":" + (now - 10) + ",\"iat\":"
                + now + ",\"jti\":\"" + UUID.randomUUID() + "\",\"access\":[" + access + "]}";
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        String jwt;
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            jwt = signingInput + "." + b64.encodeToString(rsa.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
        synchronized (this) {
            issued++;
        }
        byte[] body = ("{\"token\":\"" + jwt + "\",\"expires_in\":300}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
