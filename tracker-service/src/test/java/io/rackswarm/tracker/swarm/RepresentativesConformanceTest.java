package io.rackswarm.tracker.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.handout.HandoutSettings;
import io.rackswarm.core.handout.PeerState;
import io.rackswarm.core.handout.Representatives;
import io.rackswarm.core.topology.Location;
import io.rackswarm.core.topology.Tier;
import io.rackswarm.core.torrent.PeerEndpoint;
import io.rackswarm.core.torrent.PeerId;
import io.rackswarm.tracker.config.TrackerConfig;
import io.rackswarm.tracker.swarm.Announcement.Event;
import io.rackswarm.tracker.testing.RedisServerResource;
import io.rackswarm.tracker.testing.RegisteredSwarm;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One truth for representatives: for each scenario (joins, stale, stalled, stopped peers, racks
 * and zones) the representatives computed from what the Redis-backed store gives a candidate
 * are those core's policy computes over the whole swarm. (One case is known to differ and left
 * out: when a rack's senior candidates are stalled while a less senior member progresses, core
 * prefers that member and the store keeps the stalled ones until they go silent; reading whole
 * racks for it cost 0.78x announces/s, see docs/tracker.md.)
 */
@QuarkusTest
@WithTestResource(RepresentativesConformanceTest.LongLivedPeers.class)
class RepresentativesConformanceTest extends RegisteredSwarm {

    /** Peers outlive the 25 s after which they are stale, as with the default settings. */
    public static class LongLivedPeers extends RedisServerResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            config.put("rackswarm.tracker.peer-ttl", "300s");
            return config;
        }
    }

    private static final long SIZE = 1000;

    /** How a peer behaved: joined and last announced so many seconds before now. */
    enum Kind { HEALTHY, STALLED, SEED, STOPPED }

    record Peer(String name, String zone, String rack, int joinedAgo, int lastSeenAgo,
            Kind kind) {
        String key() {
            return String.format("%040x", name.hashCode() & 0xffffffffL);
        }

        Location location() {
            return new Location("eu", zone, rack);
        }
    }

    private static Peer p(String name, String zone, String rack, int joinedAgo,
            int lastSeenAgo, Kind kind) {
        return new Peer(name, zone, rack, joinedAgo, lastSeenAgo, kind);
    }

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("the earliest joiners of a rack went silent", List.of(
                        p("a1", "z1", "a", 200, 100, Kind.HEALTHY),
                        p("a2", "z1", "a", 190, 100, Kind.HEALTHY),
                        p("a3", "z1", "a", 180, 2, Kind.HEALTHY),
                        p("a4", "z1", "a", 170, 2, Kind.HEALTHY),
                        p("a5", "z1", "a", 160, 2, Kind.HEALTHY),
                        p("b1", "z1", "b", 150, 2, Kind.HEALTHY),
                        p("b2", "z1", "b", 140, 2, Kind.HEALTHY))),
                Arguments.of("a stalled joiner among healthy candidates", List.of(
                        p("c1", "z1", "c", 200, 2, Kind.STALLED),
                        p("c2", "z1", "c", 190, 2, Kind.HEALTHY),
                        p("c3", "z1", "c", 180, 2, Kind.SEED),
                        p("c4", "z1", "c", 170, 2, Kind.HEALTHY),
                        p("c5", "z1", "c", 160, 2, Kind.STALLED))),
                Arguments.of("a whole rack stalled, its first joiner silent", List.of(
                        p("m1", "z1", "m", 200, 40, Kind.STALLED),
                        p("m2", "z1", "m", 190, 2, Kind.STALLED),
                        p("m3", "z1", "m", 180, 2, Kind.STALLED),
                        p("m4", "z1", "m", 170, 2, Kind.STALLED),
                        p("m5", "z1", "m", 160, 2, Kind.STALLED))),
                Arguments.of("the earliest joiners stopped", List.of(
                        p("d1", "z1", "d", 200, 5, Kind.STOPPED),
                        p("d2", "z1", "d", 190, 5, Kind.STOPPED),
                        p("d3", "z1", "d", 180, 2, Kind.HEALTHY),
                        p("d4", "z1", "d", 170, 2, Kind.HEALTHY),
                        p("d5", "z1", "d", 160, 2, Kind.HEALTHY))),
                Arguments.of("every member of a rack is silent", List.of(
                        p("e1", "z2", "e", 200, 60, Kind.HEALTHY),
                        p("e2", "z2", "e", 190, 60, Kind.HEALTHY),
                        p("e3", "z2", "e", 180, 60, Kind.HEALTHY),
                        p("e4", "z2", "e", 170, 60, Kind.HEALTHY),
                        p("f1", "z2", "f", 160, 2, Kind.SEED))),
                Arguments.of("two zones, a mix in every rack", List.of(
                        p("g1", "z1", "g", 300, 200, Kind.HEALTHY),
                        p("g2", "z1", "g", 290, 2, Kind.SEED),
                        p("g3", "z1", "g", 280, 2, Kind.HEALTHY),
                        p("g4", "z1", "g", 270, 2, Kind.HEALTHY),
                        p("h1", "z2", "h", 260, 30, Kind.HEALTHY),
                        p("h2", "z2", "h", 250, 2, Kind.HEALTHY),
                        p("h3", "z2", "h", 240, 3, Kind.STOPPED),
                        p("h4", "z2", "h", 230, 2, Kind.SEED),
                        p("h5", "z2", "h", 220, 2, Kind.HEALTHY),
                        p("k1", "z2", "k", 210, 2, Kind.HEALTHY))));
    }

    @Inject
    SwarmStore store;

    @Inject
    TrackerConfig config;

    private SwarmSnapshot announce(Peer peer, long at, Event event, long left) {
        return store.announce(new Announcement(ih, PeerId.ofHex(peer.key()),
                        PeerEndpoint.of("127.0.0.1", 10000 + (peer.name().hashCode() & 0x7fff)),
                        peer.location(), left, event, false), at, 51, false)
                .toCompletionStage().toCompletableFuture().join();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void givenAScenario_thenTheStoreYieldsCoresRepresentatives(String name, List<Peer> peers) {
        long now = System.currentTimeMillis();
        // Every announce of the scenario, in the order of time: joins, then each peer's last.
        record Step(long at, Peer peer, boolean join) {
        }
        List<Step> steps = new ArrayList<>();
        for (Peer peer : peers) {
            steps.add(new Step(now - peer.joinedAgo() * 1000L, peer, true));
            steps.add(new Step(now - peer.lastSeenAgo() * 1000L, peer, false));
        }
        steps.sort(Comparator.comparingLong(Step::at));
        List<PeerState> everyone = new ArrayList<>();
        for (Step s : steps) {
            Peer peer = s.peer();
            if (s.join()) {
                announce(peer, s.at(), Event.STARTED, SIZE);
                continue;
            }
            switch (peer.kind()) {
                case HEALTHY -> announce(peer, s.at(), Event.NONE, SIZE / 2);
                case STALLED -> announce(peer, s.at(), Event.NONE, SIZE);
                case SEED -> announce(peer, s.at(), Event.COMPLETED, 0);
                case STOPPED -> announce(peer, s.at(), Event.STOPPED, SIZE / 2);
            }
            if (peer.kind() != Kind.STOPPED) {
                long joined = now - peer.joinedAgo() * 1000L;
                long progress = peer.kind() == Kind.STALLED ? joined : s.at();
                everyone.add(new PeerState(peer.key(), PeerEndpoint.of("127.0.0.1", 1),
                        peer.location(), switch (peer.kind()) {
                            case SEED -> 0;
                            case STALLED -> SIZE;
                            default -> SIZE / 2;
                        }, joined / 1000 * 1000, s.at() / 1000 * 1000,
                        progress / 1000 * 1000, false));
            }
        }
        // A newcomer alone in its rack is its rack's candidate and sees every rack's.
        Peer observer = p("observer", "z1", "obs", 0, 0, Kind.HEALTHY);
        SwarmSnapshot seen = announce(observer, now, Event.STARTED, SIZE);
        everyone.add(seen.view().self());

        HandoutSettings settings = new HandoutSettings(config.representatives(),
                config.representativeStaleAfter(), config.representativeStallAfter());
        Map<String, PeerState> viewed = new LinkedHashMap<>();
        seen.view().peers().forEach(x -> viewed.put(x.key(), x));
        viewed.put(seen.view().self().key(), seen.view().self());
        assertThat(names(Representatives.of(viewed.values(), settings, now), peers))
                .as("representatives from the store's view (%s)", name)
                .isEqualTo(names(Representatives.of(everyone, settings, now), peers));
    }

    /** Tier → group → representatives' names, for readable failures. */
    private static Map<Tier, Map<String, List<String>>> names(Representatives reps,
            List<Peer> peers) {
        Map<String, String> byKey = new HashMap<>();
        peers.forEach(x -> byKey.put(x.key(), x.name()));
        Map<Tier, Map<String, List<String>>> out = new TreeMap<>();
        for (Tier tier : Tier.values()) {
            Map<String, List<String>> groups = new TreeMap<>();
            reps.at(tier).forEach((group, members) -> groups.put(group, members.stream()
                    .map(m -> byKey.getOrDefault(m.key(), "observer")).toList()));
            out.put(tier, groups);
        }
        return out;
    }
}
