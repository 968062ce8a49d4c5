package io.rackswarm.tracker.scrape;

import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.bencode.BString;
import io.rackswarm.core.bencode.BValue;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.tracker.announce.AnnounceResponse;
import io.rackswarm.tracker.announce.QueryString;
import io.rackswarm.tracker.announce.TrackerFailure;
import io.rackswarm.tracker.config.TrackerConfig;
import io.rackswarm.tracker.metrics.TrackerMetrics;
import io.rackswarm.tracker.swarm.SwarmStore;
import io.smallrye.mutiny.Uni;
import io.rackswarm.tracker.announce.AnnounceRoute;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /scrape} (BEP 48) for the named info-hashes. A full scrape (no info-hash) is
 * refused: on a private tracker the list of swarms is not public. Unregistered info-hashes are
 * left out of {@code files}, as BEP 48 allows.
 */
@ApplicationScoped
public class ScrapeRoute {

    private final SwarmStore store;
    private final TrackerConfig config;
    private final TrackerMetrics metrics;

    public ScrapeRoute(SwarmStore store, TrackerConfig config, TrackerMetrics metrics) {
        this.store = store;
        this.config = config;
        this.metrics = metrics;
    }

    void register(@Observes Router router) {
        router.get("/scrape").handler(ctx -> scrape(ctx.request().query())
                .subscribe().with(body -> AnnounceRoute.bencoded(ctx, body), ctx::fail));
    }

    Uni<byte[]> scrape(String rawQuery) {
        Set<InfoHash> hashes = new LinkedHashSet<>();
        try {
            QueryString q = QueryString.parse(rawQuery, config.maxQueryBytes());
            for (byte[] raw : q.all("info_hash")) {
                if (raw.length != InfoHash.LENGTH) {
                    throw TrackerFailure.badRequest(
                            "info_hash must be 20 bytes, got " + raw.length);
                }
                hashes.add(InfoHash.of(raw));
            }
            if (hashes.isEmpty()) {
                throw TrackerFailure.badRequest("full scrape is not supported: name info_hash");
            }
            if (hashes.size() > config.maxScrapeHashes()) {
                throw TrackerFailure.badRequest(
                        "at most " + config.maxScrapeHashes() + " info_hash per scrape");
            }
        } catch (TrackerFailure f) {
            metrics.scraped(f.kind().label());
            return Uni.createFrom().item(AnnounceResponse.failure(f.getMessage()));
        }
        List<InfoHash> ordered = new ArrayList<>(hashes);
        List<Uni<java.util.Optional<SwarmStore.ScrapeCounts>>> lookups =
                ordered.stream().map(store::scrape).toList();
        return Uni.join().all(lookups).andFailFast().map(results -> {
            TreeMap<BString, BValue> files = new TreeMap<>();
            for (int i = 0; i < ordered.size(); i++) {
                InfoHash h = ordered.get(i);
                results.get(i).ifPresent(c -> files.put(BString.of(h.bytes()), BDict.builder()
                        .put("complete", c.complete())
                        .put("incomplete", c.incomplete())
                        .put("downloaded", c.downloaded())
                        .build()));
            }
            metrics.scraped("ok");
            return BDict.builder().put("files", new BDict(files))
                    .put("flags", BDict.builder()
                            .put("min_request_interval", config.minInterval().toSeconds())
                            .build())
                    .build().encode();
        }).onFailure().recoverWithItem(e -> {
            metrics.scraped("unavailable");
            return AnnounceResponse.failure("tracker temporarily unavailable, retry later");
        });
    }
}
