package io.rackswarm.seeder.config;

import io.rackswarm.core.cache.BlobCache;
import io.rackswarm.seeder.torrent.SeedingSession;
import io.rackswarm.seeder.upstream.Credentials;
import io.rackswarm.seeder.upstream.RegistryClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** Builds the plain-Java parts of the seeder from its configuration. */
@ApplicationScoped
public class Components {

    @Produces
    @ApplicationScoped
    BlobCache cache(SeederConfig config) throws IOException {
        return BlobCache.open(Path.of(config.cacheDir()), config.cacheBudgetBytes());
    }

    @Produces
    @ApplicationScoped
    RegistryClient upstream(SeederConfig config) throws IOException {
        Credentials credentials = config.dockerConfig().isPresent()
                ? Credentials.parseDockerConfig(Files.readString(Path.of(config.dockerConfig()
                        .get())))
                : Credentials.none();
        return new RegistryClient(credentials, new RegistryClient.Settings(
                Set.copyOf(config.plainHttpRegistries().orElse(List.of())),
                config.upstreamAttempts(), config.upstreamBackoff(),
                config.upstreamRequestTimeout(), config.upstreamStallTimeout()));
    }

    @Produces
    @ApplicationScoped
    SeedingSession seeding(SeederConfig config) {
        return SeedingSession.start(config.peerHost(), config.peerPort(),
                config.uploadBytesPerSecond());
    }

    void stop(@Disposes SeedingSession session) {
        session.close();
    }
}
