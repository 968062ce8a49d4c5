package io.rackswarm.agent.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.agent.seeder.SeederClient;
import io.rackswarm.agent.testing.AgentWorldResource;
import io.rackswarm.core.io.SingleByteRead;
import io.rackswarm.core.metainfo.PieceLength;
import io.rackswarm.core.oci.Digest;
import io.rackswarm.core.oci.RegistryHost;
import io.rackswarm.core.oci.Repository;
import io.rackswarm.testsupport.OciLayout;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
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

    @Inject
    AgentConfig config;

    /**
     * The world's seeder, whose first {@code breaks} streams break off (as a dropped connection
     * does: an IOException mid-body) after {@code after} bytes. Records where each asked from.
     */
    private SeederClient breaking(int breaks, int after, List<Long> asked) {
        return new SeederClient(config) {
            private int calls;

            @Override
            public BlobStream blob(Optional<RegistryHost> ns, Repository repository,
                    Digest digest, long from, long to) {
                asked.add(from);
                BlobStream real = seeder.blob(ns, repository, digest, from, to);
                if (calls++ >= breaks) {
                    return real;
                }
                InputStream body = real.body();
                return new BlobStream(real.size(), real.from(), new InputStream() {
                    private int sent;

                    @Override
                    public int read() throws IOException {
                        return SingleByteRead.of(this);
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (sent >= after) {
                            throw new IOException("closed");
                        }
                        int n = body.read(b, off, Math.min(len, after - sent));
                        sent += Math.max(n, 0);
                        return n;
                    }

                    @Override
                    public void close() throws IOException {
                        body.close();
                    }
                });
            }
        };
    }

    @Test
    void givenASeederStreamThatBreaksOffTwice_whenFilled_thenItResumesWhereEachStoppedAndTheBlobIsWhole()
            throws Exception {
        OciLayout.Blob blob = AgentWorldResource.world.image.layers().get(2);
        byte[] bytes = blob.bytes();
        Path file = Files.createTempDirectory("http-transfer").resolve("blob");
        Download download = new Download(Digest.parse(blob.digest()), file);
        Sha256Follower hasher = new Sha256Follower(file);
        List<Long> asked = new ArrayList<>();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try {
            new HttpTransfer(breaking(2, 100_000, asked), metrics, watchdog,
                    Duration.ofSeconds(10)).fill(download,
                    Optional.of(RegistryHost.parse(AgentWorldResource.world.ns())),
                    new Repository("team/app"), hasher, null);
        } finally {
            watchdog.shutdownNow();
        }
        hasher.follow(bytes.length);
        assertThat(asked).containsExactly(0L, 100_000L, 200_000L);
        assertThat(hasher.hex()).isEqualTo(blob.digest().substring(7));
        assertThat(Arrays.equals(Files.readAllBytes(file), bytes)).isTrue();
        assertThat(download.bytes().snapshot().get(SourceBytes.Source.SEEDER_HTTP))
                .as("no byte came twice").isEqualTo(bytes.length);
    }

    @Test
    void givenASeederStreamThatBreaksWithoutAByte_whenFilled_thenItGivesUpAfterThreeBreaksInARow()
            throws Exception {
        OciLayout.Blob blob = AgentWorldResource.world.image.layers().get(2);
        Path file = Files.createTempDirectory("http-transfer").resolve("blob");
        Download download = new Download(Digest.parse(blob.digest()), file);
        List<Long> asked = new ArrayList<>();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try {
            assertThatThrownBy(() -> new HttpTransfer(breaking(Integer.MAX_VALUE, 0, asked),
                    metrics, watchdog, Duration.ofSeconds(10)).fill(download,
                    Optional.of(RegistryHost.parse(AgentWorldResource.world.ns())),
                    new Repository("team/app"), new Sha256Follower(file), null))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("closed (after 2 resumes)");
        } finally {
            watchdog.shutdownNow();
        }
        assertThat(asked).containsExactly(0L, 0L, 0L);
        assertThat(download.available()).isZero();
    }

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
