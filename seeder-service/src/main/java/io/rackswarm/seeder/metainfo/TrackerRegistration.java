package io.rackswarm.seeder.metainfo;

import io.rackswarm.core.metainfo.Metainfo;
import io.rackswarm.core.token.AnnounceToken;
import io.rackswarm.seeder.config.SeederConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Registers torrents with the tracker and builds this replica's announce URL. */
@ApplicationScoped
public class TrackerRegistration {

    private final SeederConfig config;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String announceUrl;

    public TrackerRegistration(SeederConfig config) {
        this.config = config;
        this.announceUrl = config.trackerUrl() + "/announce?token="
                + new AnnounceToken(List.of(config.originSecret()))
                        .mint("origin/" + config.replicaName());
    }

    /** Where this replica announces: the tracker, with its origin token. */
    public String announceUrl() {
        return announceUrl;
    }

    /** The announce URL written into torrent files for agents, which append their own token. */
    public String publicAnnounceUrl() {
        return config.trackerUrl() + "/announce";
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** The registration's JSON body: the blob's digest and size. */
    private static byte[] body(Metainfo metainfo) {
        try {
            return JSON.writeValueAsBytes(java.util.Map.of("digest",
                    metainfo.digest().toString(), "size", metainfo.length()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a digest and a size always make JSON", e);
        }
    }

    /**
     * Registers one torrent, once.
     *
     * @throws TrackerUnavailableException the tracker did not answer or refused
     */
    public void register(Metainfo metainfo) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.trackerUrl()
                        + "/api/v1/torrents/" + metainfo.infoHash().hex()))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + config.trackerAdminToken())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body(metainfo)))
                .build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 && r.statusCode() != 201) {
                throw new TrackerUnavailableException("tracker refused registration of "
                        + metainfo.digest() + ": HTTP " + r.statusCode() + " " + r.body(), null);
            }
        } catch (IOException e) {
            throw new TrackerUnavailableException("tracker unreachable at " + config.trackerUrl()
                    + ": " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrackerUnavailableException("interrupted", e);
        }
    }
}
