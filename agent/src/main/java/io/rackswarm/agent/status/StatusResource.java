package io.rackswarm.agent.status;

import io.rackswarm.agent.cache.AgentCache;
import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.agent.fetch.BlobFetcher;
import io.rackswarm.agent.fetch.Download;
import io.rackswarm.agent.fetch.Seeding;
import io.rackswarm.agent.fetch.SourceBytes;
import io.rackswarm.agent.topology.NodeTopology;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/status}: the node, its topology, the cache, and every blob in flight with
 * its progress, rate, bytes by source and what it fell back to. The CLI reads it.
 */
@Path("/api/v1/status")
public class StatusResource {

    private final AgentConfig config;
    private final NodeTopology topology;
    private final AgentCache cache;
    private final BlobFetcher fetcher;
    private final Seeding seeding;

    public StatusResource(AgentConfig config, NodeTopology topology, AgentCache cache,
            BlobFetcher fetcher, Seeding seeding) {
        this.config = config;
        this.topology = topology;
        this.cache = cache;
        this.fetcher = fetcher;
        this.seeding = seeding;
    }

    /** The agent's state now. */
    public record Status(String node, Map<String, String> topology, Map<String, Object> cache,
            List<InFlight> downloads) {
    }

    /** One blob being fetched. */
    public record InFlight(String digest, long size, long bytesDone, double progress,
            long bytesPerSecond, String mode, String fallback, Map<String, Long> bytesBySource,
            double seconds) {

        static InFlight of(Download d) {
            long size = d.size();
            long done = d.available();
            double seconds = d.elapsedNanos() / 1e9;
            Map<SourceBytes.Source, Long> received = d.bytes().snapshot();
            Map<String, Long> bySource = new LinkedHashMap<>();
            for (SourceBytes.Source s : SourceBytes.Source.values()) {
                bySource.put(s.label(), received.getOrDefault(s, 0L));
            }
            return new InFlight(d.digest().toString(), size, done,
                    size > 0 ? (double) done / size : 0, seconds > 0
                            ? (long) (d.bytes().total() / seconds) : 0, d.mode(), d.fallback(),
                    bySource, Math.round(seconds * 10) / 10.0);
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Status status() {
        var here = topology.location();
        Map<String, String> where = new LinkedHashMap<>();
        where.put("region", here.region());
        where.put("zone", here.zone());
        where.put("rack", here.rack());
        where.put("source", topology.state());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("entries", cache.entries());
        c.put("bytes", cache.usedBytes());
        c.put("budgetBytes", config.cacheBudgetBytes());
        c.put("seeding", seeding.seeding());
        List<InFlight> downloads = fetcher.inFlight().stream().map(InFlight::of)
                .sorted(Comparator.comparing(InFlight::digest)).toList();
        return new Status(config.nodeName(), where, c, downloads);
    }
}
