package io.rackswarm.tracker.announce;

import static io.rackswarm.tracker.testing.TrackerClient.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.token.AnnounceToken;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.RegisteredSwarm;
import io.rackswarm.tracker.testing.TrackerClient;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad announce gets a failure reason naming the problem, and Redis stays as it was. */
@QuarkusTest
@WithTestResource(RedisServerResource.class)
class AnnounceRefusalTest extends RegisteredSwarm {

    static Stream<Arguments> badAnnounces() {
        return Stream.of(
                bad("missing info_hash", a -> a.remove("info_hash")),
                bad("info_hash must be 20 bytes, got 19", a -> a.set("info_hash", "a".repeat(19))),
                bad("info_hash must be 20 bytes, got 21", a -> a.set("info_hash", "a".repeat(21))),
                bad("info_hash given more than once",
                        a -> a.set("info_hash", "a".repeat(20) + "&info_hash=" + "b".repeat(20))),
                bad("missing peer_id", a -> a.remove("peer_id")),
                bad("peer_id must be 20 bytes", a -> a.set("peer_id", "x")),
                bad("missing port", a -> a.remove("port")),
                bad("port must be 1..65535, got 0", a -> a.set("port", "0")),
                bad("port must be 1..65535, got 65536", a -> a.set("port", "65536")),
                bad("port must be a non-negative integer", a -> a.set("port", "http")),
                bad("missing left", a -> a.remove("left")),
                bad("left must be a non-negative integer", a -> a.set("left", "-1")),
                bad("uploaded must be a non-negative integer", a -> a.set("uploaded", "1e3")),
                bad("downloaded must be a non-negative integer", a -> a.set("downloaded", "")),
                bad("left is too large", a -> a.set("left", "9999999999999999999")),
                bad("left must be a non-negative integer", a -> a.set("left", "1".repeat(30))),
                bad("numwant must be a non-negative integer", a -> a.set("numwant", "-5")),
                bad("numwant is too large", a -> a.set("numwant", "99999999999")),
                bad("unknown event: finished", a -> a.set("event", "finished")),
                bad("compact must be 0 or 1", a -> a.set("compact", "yes")),
                bad("bad percent-encoding", a -> a.set("peer_id", "%zz" + "a".repeat(18))),
                bad("bad percent-encoding", a -> a.set("peer_id", "a".repeat(19) + "%4")),
                bad("rack must be a Kubernetes label value", a -> a.set("rack", "rack%2F1")),
                bad("zone must be a Kubernetes label value", a -> a.set("zone", "z".repeat(64))),
                bad("ip must be an IPv4 or IPv6 address literal",
                        a -> a.from("127.0.0.2").set("ip", "example.com")),
                bad("query string longer than 4096 bytes", a -> a.set("key", "k".repeat(5000))),
                bad("missing token", a -> a.remove("token")),
                bad("invalid token", a -> a.set("token", "node-1.AAAA")),
                bad("invalid token", a -> a.set("token",
                        TrackerClient.token("node-1").replace("node-1", "node-2"))),
                // A node holds at most the node secret: an origin token signed with it is no
                // seeder's, and the origin secret signs no node.
                bad("invalid token", a -> a.set("token", NODE_SIGNED.mint("origin/seeder-0"))),
                bad("invalid token", a -> a.set("token", ORIGIN_SIGNED.mint("node-1"))),
                bad("token expired at 2020-09-13T12:26:40Z", a -> a.set("token",
                        NODE_SIGNED.mint("node-1", Instant.ofEpochSecond(1_600_000_000L)))),
                bad("invalid token", a -> a.set("token", NODE_SIGNED.mint("node-1",
                        Instant.ofEpochSecond(1_600_000_000L)).replace("~1600000000.",
                        "~4000000000."))));
    }

    private static final AnnounceToken NODE_SIGNED =
            new AnnounceToken(List.of(RedisServerResource.NODE_SECRET));
    private static final AnnounceToken ORIGIN_SIGNED =
            new AnnounceToken(List.of(RedisServerResource.ORIGIN_SECRET));

    @Test
    void givenUnexpiredNodeToken_thenAnnounceAccepted() throws Exception {
        BDict answer = tracker.announce(ih, 1).set("token", NODE_SIGNED.mint("node-1",
                Instant.now().plusSeconds(60))).send();
        assertThat(answer.get("failure reason")).isEmpty();
        assertThat(answer.get("interval")).isPresent();
    }

    private static Arguments bad(String reason, UnaryOperator<TrackerClient.Announce> change) {
        return Arguments.of(reason, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badAnnounces")
    void givenBadAnnounce_thenFailureReasonNamesItAndNothingIsWritten(String reason,
            UnaryOperator<TrackerClient.Announce> change) throws Exception {
        List<String> before = RedisServerResource.server().keys();
        BDict answer = change.apply(tracker.announce(ih, 1)).send();
        assertThat(failure(answer)).contains(reason);
        assertThat(answer.entries()).hasSize(1);
        assertThat(RedisServerResource.server().keys()).isEqualTo(before);
    }

    @Test
    void givenUnregisteredInfoHash_thenRefusedAndNothingIsWritten() throws Exception {
        List<String> before = RedisServerResource.server().keys();
        BDict answer = tracker.announce(TrackerClient.randomInfoHash(), 1).send();
        assertThat(failure(answer)).startsWith("unregistered torrent");
        assertThat(RedisServerResource.server().keys()).isEqualTo(before);
    }

    @Test
    void givenQueryBeyondTheHttpLineLimit_thenStillAnsweredWithAFailureReason() {
        String huge = tracker.announce(ih, 1).set("key", "k".repeat(40_000)).query();
        BDict answer = tracker.get("/announce?" + huge, InetAddress.getLoopbackAddress());
        assertThat(failure(answer)).contains("query string longer than");
    }
}
