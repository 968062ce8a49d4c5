package io.rackswarm.agent.health;

import io.rackswarm.agent.cache.AgentCache;
import io.rackswarm.agent.fetch.Seeding;
import io.rackswarm.agent.fetch.TorrentSession;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the cache is open and the BitTorrent session runs. Not the tracker and not the
 * seeders: without them the agent still serves its cache, and containerd falls back to upstream
 * for the rest.
 */
@Readiness
@ApplicationScoped
public class AgentReadiness implements HealthCheck {

    private final AgentCache cache;
    private final TorrentSession torrents;
    private final Seeding seeding;

    public AgentReadiness(AgentCache cache, TorrentSession torrents, Seeding seeding) {
        this.cache = cache;
        this.torrents = torrents;
        this.seeding = seeding;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("cache and BitTorrent session")
                .status(torrents.isUp())
                .withData("cacheEntries", cache.entries())
                .withData("restore", seeding.restoreState())
                .withData("seeding", seeding.seeding()).build();
    }
}
