package io.rackswarm.agent.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.agent.seeder.SeederClient;
import io.rackswarm.agent.testing.AgentWorldResource;
import io.rackswarm.core.metainfo.PieceLength;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.RegistryHost;
import io.rackswarm.core.oci.Repository;
import io.rackswarm.testsupport.OciLayout;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/**
 * The HTTP fallback after BitTorrent stalled, against the world's real seeder: the pieces
 * BitTorrent brought stay, only the missing runs are asked for, and the whole file then matches
 * its digest.
 */
@QuarkusTest
@WithTestResource(AgentWorldResource.class)
class HttpTransferTest {

    @Inject
    SeederClient seeder;

    @Inject
    FetchMetrics metrics;

    @Test
    void givenEveryOtherPieceOnDisk_whenFilled_thenOnlyTheMissingPiecesComeOverHttp()
            throws Exception {
        OciLayout.Blob blob = AgentWorldResource.world.image.layers().get(2);
        byte[] bytes = blob.bytes();
        int pieceLength = PieceLength.forSize(bytes.length);
        int pieces = (bytes.length + pieceLength - 1) / pieceLength;
        assertThat(pieces).as("the blob spans several pieces").isGreaterThan(3);
        // Pieces 0, 2, 4, ... came over BitTorrent; the rest of the file is zeros, as libtorrent
        // leaves the parts it has not written.
        byte[] onDisk = new byte[bytes.length];
        BitSet have = new BitSet();
        long missing = 0;
        for (int i = 0; i < pieces; i++) {
            int from = i * pieceLength;
            int to = Math.min(bytes.length, from + pieceLength);
            if (i % 2 == 0) {
                have.set(i);
                System.arraycopy(bytes, from, onDisk, from, to - from);
            } else {
                missing += to - from;
            }
        }
        Path file = Files.createTempDirectory("http-transfer").resolve("blob");
        Files.write(file, onDisk);
        Download download = new Download(Digest.parse(blob.digest()), file);
        download.sizeKnown(bytes.length);
        Sha256Follower hasher = new Sha256Follower(file);
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try {
            new HttpTransfer(seeder, metrics, watchdog, Duration.ofSeconds(10)).fill(download,
                    Optional.of(RegistryHost.parse(AgentWorldResource.world.ns())),
                    new Repository("team/app"), hasher,
                    new HttpTransfer.Present(have, pieceLength));
        } finally {
            watchdog.shutdownNow();
        }
        hasher.follow(bytes.length);
        assertThat(hasher.hex()).isEqualTo(blob.digest().substring(7));
        assertThat(download.available()).isEqualTo(bytes.length);
        assertThat(download.bytes().snapshot().get(SourceBytes.Source.SEEDER_HTTP))
                .as("only the missing pieces came over HTTP").isEqualTo(missing);
        assertThat(Arrays.equals(Files.readAllBytes(file), bytes)).isTrue();
    }
}
