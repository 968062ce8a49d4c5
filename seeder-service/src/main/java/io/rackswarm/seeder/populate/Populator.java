package io.rackswarm.seeder.populate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.Reference;
import io.rackswarm.seeder.mirror.Ownership;
import io.rackswarm.seeder.mirror.PullThrough;
import io.rackswarm.seeder.mirror.Upstreams;
import io.rackswarm.seeder.upstream.Manifest;
import io.rackswarm.seeder.upstream.RegistryClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Warms the cache ahead of a rollout: resolves each image (every platform of an index), then
 * pulls its config and layers through the cache so that they are seeded before the first node
 * asks. Jobs run one at a time in the background; their progress is kept for the API.
 */
@ApplicationScoped
public class Populator {

    private static final Logger LOG = Logger.getLogger(Populator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEPT_JOBS = 100;

    private final RegistryClient upstream;
    private final PullThrough pullThrough;
    private final Ownership ownership;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "populate");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, PopulateJob> jobs = new ConcurrentHashMap<>();

    private final Upstreams upstreams;

    public Populator(RegistryClient upstream, PullThrough pullThrough, Ownership ownership,
            Upstreams upstreams) {
        this.upstream = upstream;
        this.pullThrough = pullThrough;
        this.ownership = ownership;
        this.upstreams = upstreams;
    }

    /** Validates the references at once, then populates in the background. */
    public PopulateJob start(List<String> images) {
        if (images == null || images.isEmpty()) {
            throw new IllegalArgumentException("images must name at least one image");
        }
        List<Reference> refs = images.stream().map(Reference::parse).toList();
        refs.forEach(r -> upstreams.resolve(r.registry()));
        PopulateJob job = new PopulateJob(UUID.randomUUID().toString(), images);
        if (jobs.size() >= KEPT_JOBS) {
            jobs.values().removeIf(j -> j.progress().state() != PopulateJob.State.RUNNING);
        }
        jobs.put(job.progress().id(), job);
        worker.submit(() -> run(job, refs));
        return job;
    }

    public Optional<PopulateJob> job(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    private void run(PopulateJob job, List<Reference> refs) {
        for (Reference ref : refs) {
            try {
                Set<Digest> blobs = new LinkedHashSet<>();
                collect(ref, upstream.manifest(ref), blobs);
                job.found(blobs.size());
                for (Digest d : blobs) {
                    try {
                        job.cached(populate(ref, d));
                    } catch (RuntimeException | IOException e) {
                        job.failed(ref + " " + d + ": " + e.getMessage());
                    }
                }
                LOG.infof("populated %s: %d blobs", ref, blobs.size());
            } catch (RuntimeException e) {
                job.failed(ref + ": " + e.getMessage());
            }
        }
        job.finish();
    }

    /**
     * Caches a blob here if this replica owns it; otherwise asks an owner to (a HEAD on its
     * blob endpoint pulls the blob through there), so each blob is pulled by its owners only.
     *
     * @return the blob's size
     */
    private long populate(Reference ref, Digest d) throws IOException {
        Optional<URI> owner = ownership.ownerElsewhere(d);
        if (owner.isEmpty()) {
            return Files.size(pullThrough.blob(ref.registry(), ref.repository(), d));
        }
        URI uri = owner.get().resolve("/v2/" + ref.repository() + "/blobs/" + d + "?ns="
                + ref.registry());
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri)
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .timeout(java.time.Duration.ofMinutes(30)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
                throw new IOException("owner " + owner.get() + " answered HTTP " + r.statusCode());
            }
            return r.headers().firstValueAsLong("Content-Length").orElse(0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            throw new IOException("owner " + owner.get() + " unreachable: " + e.getMessage(), e);
        }
    }

    /** The config and layers of a manifest, or of every manifest an index lists. */
    private void collect(Reference ref, Manifest manifest, Set<Digest> blobs) {
        JsonNode json;
        try {
            json = JSON.readTree(manifest.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException("manifest of " + ref + " is not JSON", e);
        }
        if (manifest.isIndex()) {
            for (JsonNode m : json.path("manifests")) {
                Digest d = Digest.parse(m.path("digest").asText());
                Reference child = new Reference(ref.registry(), ref.repository(), null, d);
                collect(child, upstream.manifest(child), blobs);
            }
            return;
        }
        blobs.add(Digest.parse(json.path("config").path("digest").asText()));
        for (JsonNode layer : json.path("layers")) {
            blobs.add(Digest.parse(layer.path("digest").asText()));
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
