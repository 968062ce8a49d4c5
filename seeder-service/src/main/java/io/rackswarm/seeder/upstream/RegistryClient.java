package io.rackswarm.seeder.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.Reference;
import io.rackswarm.core.oci.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads manifests and blobs from upstream registries (OCI distribution spec). Authentication
 * follows the registry's {@code WWW-Authenticate} challenge: HTTP basic with the host's
 * credentials, or the Bearer token flow Docker Hub and Harbor use (token fetched from the realm,
 * cached per repository until it expires). Connection failures, 429 and 5xx answers are retried
 * with exponential backoff; other errors surface at once as {@link UpstreamException}.
 */
public final class RegistryClient {

    /** Tunables: which hosts speak plain HTTP, and how hard to retry. */
    /** The largest manifest accepted, as registries limit them (4 MiB). */
    public static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
    /** Redirects followed for one request at most. */
    static final int MAX_REDIRECTS = 5;

    public record Settings(Set<String> plainHttpHosts, int attempts, Duration firstBackoff,
            Duration requestTimeout, Duration stallTimeout) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    /** A 206's Content-Range: its first byte and the blob's length (or "*"). */
    private static final Pattern CONTENT_RANGE =
            Pattern.compile("bytes (\\d{1,18})-\\d{1,18}/(\\d{1,18}|\\*)");

    private final HttpClient http;
    private final Credentials credentials;
    private final Settings settings;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    private record Token(String value, long expiresAtNanos) {
    }

    public RegistryClient(Credentials credentials, Settings settings) {
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        this.credentials = credentials;
        this.settings = settings;
    }

    /** The manifest or index the reference names, checked against its digest. */
    public Manifest manifest(Reference ref) {
        String what = ref.toString();
        UpstreamAnswer r = send(ref.registry(), ref.repository(),
                "/manifests/" + ref.manifestReference(), Manifest.ACCEPT, what, 0);
        byte[] body = boundedManifest(r, what);
        Digest actual = new Digest("sha256", sha256(body));
        Optional<String> claimed = r.header("Docker-Content-Digest");
        if (ref.digest() != null && !ref.digest().equals(actual)) {
            throw new UpstreamException(502, "upstream sent a manifest for " + what
                    + " that hashes to " + actual, null);
        }
        if (claimed.isPresent() && claimed.get().startsWith("sha256:")
                && !claimed.get().equals(actual.toString())) {
            throw new UpstreamException(502, "upstream manifest for " + what + " hashes to "
                    + actual + " but is labelled " + claimed.get(), null);
        }
        String type = r.header("Content-Type").orElse("").split(";")[0].trim();
        return new Manifest(actual, type, body);
    }

    /**
     * The manifest's bytes, at most {@link #MAX_MANIFEST_BYTES} as registries accept: a larger
     * one (by its Content-Length, or once that many bytes arrived) is refused with a 502.
     */
    private static byte[] boundedManifest(UpstreamAnswer r, String what) {
        try (InputStream in = r.body()) {
            long declared = r.length().orElse(-1);
            if (declared > MAX_MANIFEST_BYTES) {
                throw tooLarge(what, declared + " bytes");
            }
            byte[] body = in.readNBytes(MAX_MANIFEST_BYTES + 1);
            if (body.length > MAX_MANIFEST_BYTES) {
                throw tooLarge(what, "more than " + MAX_MANIFEST_BYTES + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw new UpstreamException(502, "reading the manifest for " + what + " failed: "
                    + UpstreamException.describe(e), e);
        }
    }

    private static UpstreamException tooLarge(String what, String size) {
        return new UpstreamException(502, "upstream manifest for " + what + " is " + size
                + ": manifests are limited to 4 MiB", null);
    }

    /**
     * Opens a blob; the caller verifies its digest (the cache does) and closes the stream. A
     * body that stops flowing for the stall timeout fails the read. A read that fails mid-blob
     * (the connection dropped or stalled) is taken up where it stopped, with a {@code Range}
     * request (see {@link ResumingBlob}); a blob that cannot be read to its end fails with an
     * {@link UpstreamReadException}.
     */
    public InputStream blob(String registry, Repository repository, Digest digest) {
        String what = registry + "/" + repository + "@" + digest;
        return ResumingBlob.open(from -> blobFrom(registry, repository, digest, from, what),
                settings.attempts(), what);
    }

    /** The blob from byte {@code from} on: a 206 when the upstream honours the range. */
    private ResumingBlob.Part blobFrom(String registry, Repository repository, Digest digest,
            long from, String what) throws IOException {
        UpstreamAnswer r = send(registry, repository, "/blobs/" + digest, "*/*", what, from);
        long length = r.length().orElse(-1);
        InputStream body = new StallGuard(r.body(), length, settings.stallTimeout(), what);
        if (r.status() != 206) {
            return new ResumingBlob.Part(body, 0, length);
        }
        String range = r.header("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(range);
        if (!m.matches()) {
            body.close();
            throw new IOException("the upstream answered a range request with Content-Range '"
                    + range + "'");
        }
        return new ResumingBlob.Part(body, Long.parseLong(m.group(1)),
                m.group(2).equals("*") ? -1 : Long.parseLong(m.group(2)));
    }

    /** @param from the first byte wanted; above 0 it is asked for with a Range header */
    private UpstreamAnswer send(String registry, Repository repository, String path,
            String accept, String what, long from) {
        URI uri = URI.create(scheme(registry) + "://" + apiHost(registry) + "/v2/" + repository
                + path);
        String scopeKey = registry + "/" + repository;
        Duration backoff = settings.firstBackoff();
        UpstreamException last = null;
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            try {
                UpstreamAnswer r = exchange(uri, accept, authorization(registry, scopeKey), from);
                if (r.status() == 401) {
                    r.close();
                    String challenge = r.header("WWW-Authenticate").orElse("");
                    authenticate(registry, repository, scopeKey, challenge, what);
                    r = exchange(uri, accept, authorization(registry, scopeKey), from);
                }
                r = followRedirects(r, uri, accept, registry, scopeKey, what, from);
                int status = r.status();
                if (status == 200 || (status == 206 && from > 0)) {
                    return r;
                }
                r.close();
                if (status == 404) {
                    throw new UpstreamException(404, what + " not found upstream", null);
                }
                if (status == 401 || status == 403) {
                    throw new UpstreamException(401, "upstream refused access to " + what
                            + " (HTTP " + status + "): check the credentials for " + registry,
                            null);
                }
                last = new UpstreamException(502, "upstream answered HTTP " + status + " for "
                        + what, null);
                if (status != 429 && status < 500) {
                    throw last;
                }
            } catch (IOException e) {
                last = new UpstreamException(502, "upstream " + registry + " unreachable for "
                        + what + ": " + UpstreamException.describe(e), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamException(503, "interrupted while fetching " + what, e);
            }
            if (attempt < settings.attempts()) {
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
        throw new UpstreamException(last.status(), last.getMessage() + " (after "
                + settings.attempts() + " attempts)", last.getCause());
    }

    /**
     * Follows a registry's redirects (object storage behind it, a mirror), at most
     * {@link #MAX_REDIRECTS}. Our credentials go only to the registry itself: a redirect to
     * another host or port is followed without them (the redirect's URL carries its own
     * authorization), and one from HTTPS to plain HTTP is refused.
     */
    private UpstreamAnswer followRedirects(UpstreamAnswer first, URI registryUri,
            String accept, String registry, String scopeKey, String what, long from)
            throws IOException {
        UpstreamAnswer r = first;
        URI at = registryUri;
        for (int hops = 0; isRedirect(r.status()); hops++) {
            Optional<String> location = r.header("Location");
            r.close();
            if (hops == MAX_REDIRECTS || location.isEmpty()) {
                throw new UpstreamException(502, "upstream sent " + (location.isEmpty()
                        ? "a redirect without a Location" : "more than " + MAX_REDIRECTS
                        + " redirects") + " for " + what, null);
            }
            URI next = at.resolve(location.get());
            if ("https".equals(at.getScheme()) && !"https".equals(next.getScheme())) {
                throw new UpstreamException(502, "upstream redirected " + what
                        + " from HTTPS to " + next.getScheme() + ": refused", null);
            }
            boolean registryItself = next.getScheme().equals(registryUri.getScheme())
                    && java.util.Objects.equals(next.getRawAuthority(),
                            registryUri.getRawAuthority());
            r = exchange(next, accept, registryItself
                    ? authorization(registry, scopeKey) : Optional.empty(), from);
            at = next;
        }
        return r;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private UpstreamAnswer exchange(URI uri, String accept, Optional<String> authorization,
            long from) throws IOException {
        // One socket timeout bounds the wait for the headers and every read of the body: the
        // shorter of the request and stall timeouts.
        Duration timeout = settings.requestTimeout().compareTo(settings.stallTimeout()) < 0
                ? settings.requestTimeout() : settings.stallTimeout();
        return UpstreamAnswer.get(uri, accept, authorization, from, timeout);
    }

    private Optional<String> authorization(String registry, String scopeKey) {
        Token t = tokens.get(scopeKey);
        if (t != null && t.expiresAtNanos() > System.nanoTime()) {
            return Optional.of("Bearer " + t.value());
        }
        Token basic = tokens.get("basic:" + registry);
        return basic == null ? Optional.empty() : Optional.of(basic.value());
    }

    /** Answers a 401 challenge so that the next request carries credentials. */
    private void authenticate(String registry, Repository repository, String scopeKey,
            String challenge, String what) throws IOException, InterruptedException {
        Optional<Credentials.Login> login = credentials.forHost(registry);
        String scheme = challenge.split(" ", 2)[0].toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("basic")) {
            Credentials.Login l = login.orElseThrow(() -> new UpstreamException(401,
                    registry + " demands credentials for " + what + " and none are configured",
                    null));
            tokens.put("basic:" + registry, new Token(l.basic(), Long.MAX_VALUE));
            return;
        }
        if (!scheme.equals("bearer")) {
            throw new UpstreamException(401, registry + " sent an unsupported challenge: "
                    + challenge, null);
        }
        Map<String, String> params = new java.util.HashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new UpstreamException(502, registry + " sent a Bearer challenge without realm",
                    null);
        }
        String scope = params.getOrDefault("scope", "repository:" + repository + ":pull");
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?')
                .append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        if (params.containsKey("service")) {
            url.append("&service=").append(URLEncoder.encode(params.get("service"),
                    StandardCharsets.UTF_8));
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url.toString()))
                .timeout(settings.requestTimeout());
        login.ifPresent(l -> req.header("Authorization", l.basic()));
        HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new UpstreamException(401, "token service " + realm + " refused a token for "
                    + scope + " (HTTP " + r.statusCode() + ")", null);
        }
        JsonNode json = JSON.readTree(r.body());
        String token = json.path("token").asText(json.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new UpstreamException(502, "token service " + realm + " sent no token", null);
        }
        long lifetime = Math.max(30, json.path("expires_in").asLong(60)) - 10;
        tokens.put(scopeKey, new Token(token, System.nanoTime()
                + Duration.ofSeconds(lifetime).toNanos()));
    }

    private String scheme(String registry) {
        return settings.plainHttpHosts().contains(registry) ? "http" : "https";
    }

    /** Docker Hub's API lives on registry-1.docker.io. */
    private static String apiHost(String registry) {
        return registry.equals(Reference.DOCKER_HUB) ? "registry-1.docker.io" : registry;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
