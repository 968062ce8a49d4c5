package io.rackswarm.tracker.scrape;

import static io.rackswarm.tracker.testing.TrackerClient.failure;
import static io.rackswarm.tracker.testing.TrackerClient.integer;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.bencode.BString;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.Registrations;
import io.rackswarm.tracker.testing.TrackerClient;
import java.net.InetAddress;
import java.net.URL;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(RedisServerResource.class)
class ScrapeTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void givenTwoSwarmsAndAnUnknownHash_whenScraped_thenKnownOnesAreCounted() {
        TrackerClient tracker = new TrackerClient(base);
        InfoHash a = Registrations.registered(1000);
        InfoHash b = Registrations.registered(1000);
        tracker.announce(a, 1).set("left", "0").send();
        tracker.announce(a, 2).send();
        tracker.announce(a, 2).set("event", "completed").set("left", "0").send();
        tracker.announce(a, 3).send();
        tracker.announce(b, 1).send();

        BDict files = (BDict) tracker.scrape(a, b, TrackerClient.randomInfoHash())
                .get("files").orElseThrow();
        assertThat(files.entries()).hasSize(2);
        BDict fa = (BDict) files.entries().get(BString.of(a.bytes()));
        assertThat(integer(fa, "complete")).isEqualTo(2);
        assertThat(integer(fa, "incomplete")).isEqualTo(1);
        assertThat(integer(fa, "downloaded")).isEqualTo(1);
        BDict fb = (BDict) files.entries().get(BString.of(b.bytes()));
        assertThat(integer(fb, "incomplete")).isEqualTo(1);
    }

    @Test
    void givenNoInfoHashOrABadOne_whenScraped_thenFailureReason() {
        TrackerClient tracker = new TrackerClient(base);
        assertThat(failure(tracker.get("/scrape", InetAddress.getLoopbackAddress())))
                .contains("full scrape is not supported");
        assertThat(failure(tracker.get("/scrape?info_hash=abc", InetAddress.getLoopbackAddress())))
                .contains("info_hash must be 20 bytes");
        StringBuilder many = new StringBuilder("/scrape?");
        for (int i = 0; i < 65; i++) {
            many.append("info_hash=")
                    .append(TrackerClient.encode(TrackerClient.randomInfoHash().bytes()))
                    .append('&');
        }
        assertThat(failure(tracker.get(many.toString(), InetAddress.getLoopbackAddress())))
                .contains("at most 64");
    }
}
