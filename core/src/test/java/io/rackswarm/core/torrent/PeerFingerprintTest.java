package io.rackswarm.core.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.rackswarm.core.torrent.PeerFingerprint.Source;
import io.rackswarm.core.topology.Location;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PeerFingerprintTest {

    private static final Location RACK_A = new Location("eu", "eu-1a", "a");
    private static final Location RACK_B = new Location("eu", "eu-1a", "b");
    private static final Location RACK_A_OTHER_ZONE = new Location("eu", "eu-1b", "a");

    private static byte[] id(String prefix) {
        return (prefix + "x".repeat(20 - prefix.length())).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void givenAnAgentOfTheSameRack_whenClassified_thenPeerRack() {
        assertThat(PeerFingerprint.classify(id(PeerFingerprint.agent(RACK_A)), RACK_A))
                .isEqualTo(Source.PEER_RACK);
    }

    @Test
    void givenAnAgentOfAnotherRackOrOfARackOfTheSameNameInAnotherZone_thenPeerRemote() {
        assertThat(PeerFingerprint.classify(id(PeerFingerprint.agent(RACK_B)), RACK_A))
                .isEqualTo(Source.PEER_REMOTE);
        assertThat(PeerFingerprint.classify(id(PeerFingerprint.agent(RACK_A_OTHER_ZONE)), RACK_A))
                .isEqualTo(Source.PEER_REMOTE);
    }

    @Test
    void givenASeederOrAForeignClient_thenSeederOrOther() {
        assertThat(PeerFingerprint.classify(id(PeerFingerprint.SEEDER), RACK_A))
                .isEqualTo(Source.SEEDER);
        assertThat(PeerFingerprint.classify(id("-qB4630-"), RACK_A)).isEqualTo(Source.OTHER);
        assertThat(PeerFingerprint.classify(id(PeerFingerprint.AGENT), RACK_A))
                .isEqualTo(Source.OTHER);
    }

    @Test
    void agentPrefixesFitAPeerIdWithRoomForRandomBytes() {
        assertThat(PeerFingerprint.agent(RACK_A)).hasSize(13);
    }
}
