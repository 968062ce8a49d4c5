package io.rackswarm.agent.seeder;

import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.RegistryHost;
import io.rackswarm.core.oci.Repository;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The agent's calls to the seeders: manifests, metainfo and blobs over HTTP. Every call has a
 * deadline (connect, and the whole answer for small ones; blobs have a stall guard instead, as
 * their length is unbounded). Seeders redirect to a blob's owner; the client follows.
 */
@ApplicationScoped
public class SeederClient {

    private static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

    private final AgentConfig config;
    private final HttpClient http;

    public SeederClient(AgentConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.seederConnectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** A manifest or index as the seeder passed it through from upstream. */
    public record Manifest(byte[] bytes, String mediaType, Digest digest) {
    }

    /** The start of a blob's bytes from the seeder. */
    public record BlobStream(long size, long from, InputStream body) {
    }

    public Manifest manifest(Optional<RegistryHost> ns, Repository repository, String reference,
            String accept) {
        HttpRequest request = request("/v2/" + repository + "/manifests/" + reference, ns)
                .header("Accept", accept).timeout(config.seederRequestTimeout()).GET().build();
        HttpResponse<InputStream> r = send(request, "manifest " + repository + ":" + reference);
        try (InputStream in = r.body()) {
            byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
            if (bytes.length > MAX_MANIFEST_BYTES) {
                throw new SeederException(502, "manifest " + repository + ":" + reference
                        + " exceeds " + MAX_MANIFEST_BYTES + " bytes");
            }
            String digest = r.headers().firstValue("Docker-Content-Digest").orElseThrow(
                    () -> new SeederException(502, "seeder sent no Docker-Content-Digest"));
            String type = r.headers().firstValue("Content-Type")
                    .orElse("application/vnd.oci.image.manifest.v1+json");
            return new Manifest(bytes, type, Digest.parse(digest));
        } catch (IOException e) {
            throw unavailable("manifest " + repository + ":" + reference, e);
        }
    }

    /** The blob's torrent file and the info-hash the seeder says it has. */
    public record Torrent(byte[] file, String infoHashHex) {
    }

    public Torrent metainfo(Optional<RegistryHost> ns, Repository repository, Digest digest) {
        String path = "/api/v1/metainfo/" + digest + "?repository=" + repository
                + ns.map(h -> "&ns=" + encode(h.value())).orElse("");
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.seederUrl() + path))
                .timeout(config.seederRequestTimeout()).GET().build();
        HttpResponse<InputStream> r = send(request, "metainfo of " + digest);
        try (InputStream in = r.body()) {
            byte[] file = in.readNBytes(MAX_MANIFEST_BYTES + 1);
            if (file.length > MAX_MANIFEST_BYTES) {
                throw new SeederException(502, "metainfo of " + digest + " is too large");
            }
            return new Torrent(file, r.headers().firstValue("X-Rackswarm-Info-Hash").orElse(""));
        } catch (IOException e) {
            throw unavailable("metainfo of " + digest, e);
        }
    }

    /**
     * Opens bytes {@code from} to {@code to} (exclusive; -1 for the end) of the blob. The caller
     * reads and closes the stream; the connect timeout and the seeder's first byte bound the
     * wait here.
     */
    public BlobStream blob(Optional<RegistryHost> ns, Repository repository, Digest digest,
            long from, long to) {
        HttpRequest.Builder b = request("/v2/" + repository + "/blobs/" + digest, ns)
                .timeout(config.seederRequestTimeout()).GET();
        boolean ranged = from > 0 || to >= 0;
        if (ranged) {
            b.header("Range", "bytes=" + from + "-" + (to >= 0 ? String.valueOf(to - 1) : ""));
        }
        HttpResponse<InputStream> r = send(b.build(), "blob " + digest);
        long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (ranged) {
            String range = r.headers().firstValue("Content-Range").orElse("");
            if (r.statusCode() != 206 || !range.startsWith("bytes " + from + "-")) {
                close(r);
                throw new SeederException(502, "seeder ignored the Range of blob " + digest);
            }
            int slash = range.lastIndexOf('/');
            long size = slash < 0 ? -1 : parseLong(range.substring(slash + 1));
            return new BlobStream(size, from, r.body());
        }
        return new BlobStream(length, 0, r.body());
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private HttpRequest.Builder request(String path, Optional<RegistryHost> ns) {
        return HttpRequest.newBuilder(URI.create(config.seederUrl() + path
                + ns.map(h -> "?ns=" + encode(h.value())).orElse("")));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpResponse<InputStream> send(HttpRequest request, String what) {
        HttpResponse<InputStream> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unavailable(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SeederException(503, "interrupted while fetching " + what);
        }
        if (r.statusCode() == 200 || r.statusCode() == 206) {
            return r;
        }
        String body = "";
        try (InputStream in = r.body()) {
            body = new String(in.readNBytes(512), StandardCharsets.UTF_8);
        } catch (IOException ignored) {
            // the status says enough
        }
        throw new SeederException(r.statusCode() == 404 ? 404 : 502, "seeder answered HTTP "
                + r.statusCode() + " for " + what + (body.isBlank() ? "" : ": " + body.strip()));
    }

    private static void close(HttpResponse<InputStream> r) {
        try {
            r.body().close();
        } catch (IOException ignored) {
            // nothing more to read
        }
    }

    private SeederException unavailable(String what, IOException e) {
        String reason = e instanceof HttpTimeoutException ? "timed out" : e.getClass()
                .getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
        return new SeederException(503, "seeder " + config.seederUrl() + " unreachable for "
                + what + ": " + reason);
    }
}
