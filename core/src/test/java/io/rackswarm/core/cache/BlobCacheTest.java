package io.rackswarm.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rackswarm.core.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobCacheTest {

    @TempDir
    Path root;

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Digest digest(byte[] b) throws Exception {
        return new Digest("sha256",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
    }

    private static BlobSource serving(byte[] b) {
        return d -> new ByteArrayInputStream(b);
    }

    private List<Path> leftovers() throws IOException {
        try (var s = Files.list(root.resolve("tmp"))) {
            return s.toList();
        }
    }

    @Test
    void givenMissingBlob_whenFetched_thenVerifiedStoredAndProgressReported() throws Exception {
        BlobCache cache = BlobCache.open(root, 1 << 20);
        byte[] b = bytes(200_000, 1);
        AtomicLong last = new AtomicLong();
        Path p = cache.fetch(digest(b), b.length, serving(b), last::set);
        assertThat(Files.readAllBytes(p)).isEqualTo(b);
        assertThat(last.get()).isEqualTo(b.length);
        assertThat(cache.find(digest(b))).contains(p);
        assertThat(cache.usedBytes()).isEqualTo(b.length);
    }

    @Test
    void givenSourceSendingOtherBytes_thenNothingIsCached() throws Exception {
        BlobCache cache = BlobCache.open(root, 1 << 20);
        byte[] b = bytes(1000, 2);
        byte[] tampered = b.clone();
        tampered[500] ^= 1;
        assertThatThrownBy(() -> cache.fetch(digest(b), b.length, serving(tampered), n -> { }))
                .isInstanceOf(DigestMismatchException.class).hasMessageContaining("discarded");
        assertThatThrownBy(() -> cache.fetch(digest(b), 10, serving(b), n -> { }))
                .isInstanceOf(DigestMismatchException.class).hasMessageContaining("more than 10");
        assertThat(cache.find(digest(b))).isEmpty();
        assertThat(cache.size()).isZero();
        assertThat(cache.usedBytes()).isZero();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void givenSourceFailingMidway_thenErrorAndNoPartialBlob() throws Exception {
        BlobCache cache = BlobCache.open(root, 1 << 20);
        byte[] b = bytes(300_000, 3);
        BlobSource breaking = d -> new FilterInputStream(new ByteArrayInputStream(b)) {
            private int reads;

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                if (++reads > 2) {
                    throw new IOException("connection reset");
                }
                return super.read(buf, off, len);
            }
        };
        assertThatThrownBy(() -> cache.fetch(digest(b), b.length, breaking, n -> { }))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("connection reset");
        assertThat(cache.find(digest(b))).isEmpty();
        assertThat(leftovers()).isEmpty();
        assertThat(cache.fetch(digest(b), b.length, serving(b), n -> { })).exists();
    }

    @Test
    void givenManyConcurrentRequestsForOneBlob_thenItIsDownloadedOnce() throws Exception {
        BlobCache cache = BlobCache.open(root, 1 << 20);
        byte[] b = bytes(500_000, 4);
        AtomicInteger opens = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        BlobSource slow = d -> {
            opens.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            return new ByteArrayInputStream(b);
        };
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Path>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(pool.submit(() -> cache.fetch(digest(b), b.length, slow, n -> { })));
        }
        Thread.sleep(200);
        release.countDown();
        for (Future<Path> f : results) {
            assertThat(Files.readAllBytes(f.get())).isEqualTo(b);
        }
        pool.shutdown();
        assertThat(opens.get()).isEqualTo(1);
    }

    @Test
    void givenBudgetReached_thenLeastRecentlyUsedUnleasedBlobsAreEvicted() throws Exception {
        BlobCache cache = BlobCache.open(root, 3000);
        List<Digest> evicted = new ArrayList<>();
        cache.onEvict(evicted::add);
        byte[] a = bytes(1000, 10);
        byte[] b = bytes(1000, 11);
        byte[] c = bytes(1000, 12);
        byte[] d = bytes(1000, 13);
        cache.fetch(digest(a), 1000, serving(a), n -> { });
        cache.fetch(digest(b), 1000, serving(b), n -> { });
        cache.fetch(digest(c), 1000, serving(c), n -> { });
        try (BlobCache.Lease held = cache.lease(digest(a)).orElseThrow()) {
            cache.find(digest(b)); // b used recently: c is now least recently used unleased
            cache.fetch(digest(d), 1000, serving(d), n -> { });
            assertThat(cache.find(digest(a))).isPresent();
            assertThat(cache.find(digest(b))).isPresent();
            assertThat(cache.find(digest(c))).isEmpty();
            assertThat(evicted).containsExactly(digest(c));
            assertThat(Files.exists(held.path())).isTrue();
        }
        assertThat(cache.usedBytes()).isEqualTo(3000);
    }

    @Test
    void givenBlobInUseByPeers_thenItIsNotEvictedEither() throws Exception {
        BlobCache cache = BlobCache.open(root, 2000);
        byte[] a = bytes(1000, 50);
        byte[] b = bytes(1000, 51);
        byte[] c = bytes(1000, 52);
        cache.fetch(digest(a), 1000, serving(a), n -> { });
        cache.fetch(digest(b), 1000, serving(b), n -> { });
        Digest seededToPeers = digest(a);
        cache.keepWhile(seededToPeers::equals);
        cache.fetch(digest(c), 1000, serving(c), n -> { });
        assertThat(cache.find(digest(a))).isPresent();
        assertThat(cache.find(digest(b))).isEmpty();
    }

    @Test
    void givenARequestThatMissedJustAsTheDownloadLanded_thenItDoesNotDownloadAgain()
            throws Exception {
        // The interleaving: a request finds the blob missing, another request's download lands
        // and stops being in flight, then the first claims the download.
        BlobCache cache = BlobCache.open(root, 1L << 20);
        byte[] b = bytes(2_000, 70);
        Digest d = digest(b);
        AtomicInteger opens = new AtomicInteger();
        BlobSource source = digest -> {
            opens.incrementAndGet();
            return new ByteArrayInputStream(b);
        };
        CountDownLatch missed = new CountDownLatch(1);
        CountDownLatch landed = new CountDownLatch(1);
        cache.betweenMissAndClaim = () -> {
            if (Thread.currentThread().getName().equals("late")) {
                missed.countDown();
                try {
                    landed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        java.util.concurrent.FutureTask<Path> late = new java.util.concurrent.FutureTask<>(
                () -> cache.fetch(d, b.length, source, n -> { }));
        Thread lateThread = new Thread(late, "late");
        lateThread.start();
        missed.await();
        cache.fetch(d, b.length, source, n -> { });
        landed.countDown();
        assertThat(Files.readAllBytes(late.get())).isEqualTo(b);
        assertThat(opens.get()).as("downloads").isEqualTo(1);
        assertThat(cache.usedBytes()).isEqualTo(b.length);
    }

    @Test
    void givenAFillUnderWay_thenReadersFollowItsBytesAndATapSeesThemAll() throws Exception {
        BlobCache cache = BlobCache.open(root, 1 << 22);
        byte[] b = bytes(1_500_000, 80);
        Digest d = digest(b);
        CountDownLatch half = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        // A source that stops halfway until the test has read what was written so far.
        BlobSource source = digest -> new Pausing(b, half, go);
        java.io.ByteArrayOutputStream tapped = new java.io.ByteArrayOutputStream();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Filling f = cache.fill(d, -1, source, n -> { }, length -> {
                assertThat(length).isEqualTo(b.length);
                return tapped::write;
            }, pool).orElseThrow();
            assertThat(f.awaitLength(5000)).isEqualTo(b.length);
            half.await();
            long written = f.awaitBeyond(0, 5000);
            assertThat(written).isEqualTo(b.length / 2);
            assertThat(f.done()).isNotDone();
            // What is written can be read from the growing file before the end.
            byte[] early = new byte[(int) written];
            try (var ch = java.nio.channels.FileChannel.open(f.part())) {
                ch.read(java.nio.ByteBuffer.wrap(early), 0);
            }
            assertThat(early).isEqualTo(java.util.Arrays.copyOf(b, (int) written));
            // A second request joins the same fill.
            assertThat(cache.fill(d, -1, source, n -> { }, length -> null, pool)).contains(f);
            go.countDown();
            Path cached = f.done().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(Files.readAllBytes(cached)).isEqualTo(b);
            assertThat(tapped.toByteArray()).isEqualTo(b);
            assertThat(cache.fill(d, -1, source, n -> { }, length -> null, pool)).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void givenEviction_thenThePeersCheckRunsOutsideTheCacheLock() throws Exception {
        // The check asks libtorrent in the seeder: under the cache's lock it would hold up
        // every request for as long as libtorrent takes.
        BlobCache cache = BlobCache.open(root, 2000);
        byte[] a = bytes(1000, 60);
        byte[] b = bytes(1000, 61);
        byte[] c = bytes(1000, 62);
        cache.fetch(digest(a), 1000, serving(a), n -> { });
        cache.fetch(digest(b), 1000, serving(b), n -> { });
        AtomicInteger underLock = new AtomicInteger();
        AtomicInteger asked = new AtomicInteger();
        cache.keepWhile(d -> {
            asked.incrementAndGet();
            if (Thread.holdsLock(cache)) {
                underLock.incrementAndGet();
            }
            return d.equals(digestOf(a));
        });
        cache.fetch(digest(c), 1000, serving(c), n -> { });
        assertThat(asked.get()).isPositive();
        assertThat(underLock.get()).isZero();
        assertThat(cache.find(digest(a))).isPresent();
        assertThat(cache.find(digest(b))).isEmpty();
        assertThat(cache.find(digest(c))).isPresent();
    }

    private static Digest digestOf(byte[] b) {
        try {
            return digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void givenEveryBlobLeased_thenNoRoomIsAClearError() throws Exception {
        BlobCache cache = BlobCache.open(root, 2000);
        byte[] a = bytes(2000, 20);
        byte[] b = bytes(10, 21);
        cache.fetch(digest(a), 2000, serving(a), n -> { });
        try (BlobCache.Lease held = cache.lease(digest(a)).orElseThrow()) {
            assertThatThrownBy(() -> cache.fetch(digest(b), 10, serving(b), n -> { }))
                    .isInstanceOf(CacheFullException.class).hasMessageContaining("no room");
        }
        assertThatThrownBy(() -> cache.fetch(digest(bytes(1, 1)), 5000, serving(b), n -> { }))
                .isInstanceOf(CacheFullException.class).hasMessageContaining("exceeds");
        assertThat(cache.find(digest(a))).isPresent();
    }

    /** A source that says how long its blob is, as an HTTP response does, and counts reads. */
    /** Announces its length, sends half of it, and waits for {@code go} before the rest. */
    private static final class Pausing extends ByteArrayInputStream implements DeclaredLength {
        private final CountDownLatch half;
        private final CountDownLatch go;

        Pausing(byte[] b, CountDownLatch half, CountDownLatch go) {
            super(b);
            this.half = half;
            this.go = go;
        }

        @Override
        public long declaredLength() {
            return buf.length;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int middle = buf.length / 2;
            if (pos == middle && half.getCount() > 0) {
                half.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
            int limit = pos < middle ? Math.min(len, middle - pos) : len;
            return super.read(b, off, limit);
        }
    }

    private static final class Announced extends ByteArrayInputStream implements DeclaredLength {
        private final long declared;
        int reads;

        Announced(byte[] b, long declared) {
            super(b);
            this.declared = declared;
        }

        @Override
        public long declaredLength() {
            return declared;
        }

        @Override
        public synchronized int read(byte[] buf, int off, int len) {
            reads++;
            return super.read(buf, off, len);
        }
    }

    @Test
    void givenASourceAnnouncingMoreThanTheBudget_thenRefusedBeforeAnyByteIsRead()
            throws Exception {
        BlobCache cache = BlobCache.open(root, 100_000);
        byte[] b = bytes(150_000, 40);
        Announced source = new Announced(b, b.length);
        assertThatThrownBy(() -> cache.fetch(digest(b), -1, d -> source, n -> { }))
                .isInstanceOf(CacheFullException.class)
                .hasMessageContaining("exceeds the cache budget of 100000");
        assertThat(source.reads).isZero();
        assertThat(cache.usedBytes()).isZero();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void givenASourceSendingMoreThanItAnnounced_thenNothingIsCached() throws Exception {
        BlobCache cache = BlobCache.open(root, 1 << 20);
        byte[] b = bytes(150_000, 41);
        assertThatThrownBy(() -> cache.fetch(digest(b), -1, d -> new Announced(b, 1000),
                n -> { })).isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining("more than 1000 bytes");
        assertThat(cache.find(digest(b))).isEmpty();
        assertThat(cache.usedBytes()).isZero();
        // An honest announcement is cached as usual.
        cache.fetch(digest(b), -1, d -> new Announced(b, b.length), n -> { });
        assertThat(cache.usedBytes()).isEqualTo(b.length);
    }

    @Test
    void givenALowerBudgetAtRestart_thenTheLeastRecentlyUsedBlobsGoAtOnce() throws Exception {
        BlobCache first = BlobCache.open(root, 1 << 20);
        byte[] old = bytes(40_000, 42);
        byte[] mid = bytes(40_000, 43);
        byte[] recent = bytes(40_000, 44);
        for (byte[] b : List.of(old, mid, recent)) {
            first.fetch(digest(b), b.length, serving(b), n -> { });
            // Modification times order the index at the next start.
            Thread.sleep(20);
        }
        BlobCache second = BlobCache.open(root, 90_000);
        assertThat(second.trimmedAtOpen()).isEqualTo(1);
        assertThat(second.usedBytes()).isEqualTo(80_000);
        assertThat(second.find(digest(old))).isEmpty();
        assertThat(Files.exists(root.resolve("blobs/sha256").resolve(digest(old).hex())))
                .isFalse();
        assertThat(second.find(digest(recent))).isPresent();
    }

    @Test
    void givenRestart_thenBlobsAreReindexedAndPartialDownloadsRemoved() throws Exception {
        BlobCache first = BlobCache.open(root, 1 << 20);
        byte[] a = bytes(4000, 30);
        first.fetch(digest(a), a.length, serving(a), n -> { });
        Files.writeString(root.resolve("tmp").resolve("crashed.part"), "half");
        Files.writeString(root.resolve("blobs/sha256/README"), "not a blob");

        BlobCache second = BlobCache.open(root, 1 << 20);
        assertThat(second.find(digest(a))).isPresent();
        assertThat(second.size()).isEqualTo(1);
        assertThat(second.usedBytes()).isEqualTo(4000);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void givenDiskFillsUpMidway_thenCacheFullAndEarlierBlobsIntact() throws Exception {
        Path small = Files.createDirectories(root.resolve("small"));
        boolean mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs",
                small.toString()).start().waitFor() == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(mounted,
                "needs root to mount a 1 MiB tmpfs; runs in CI");
        try {
            BlobCache cache = BlobCache.open(small, 100_000_000);
            byte[] kept = bytes(100_000, 40);
            cache.fetch(digest(kept), kept.length, serving(kept), n -> { });
            byte[] big = bytes(2_000_000, 41);
            assertThatThrownBy(() -> cache.fetch(digest(big), big.length, serving(big), n -> { }))
                    .isInstanceOf(CacheFullException.class).hasMessageContaining("disk full");
            assertThat(cache.find(digest(big))).isEmpty();
            assertThat(Files.readAllBytes(cache.find(digest(kept)).orElseThrow())).isEqualTo(kept);
            try (var s = Files.list(small.resolve("tmp"))) {
                assertThat(s.toList()).isEmpty();
            }
        } finally {
            new ProcessBuilder("umount", small.toString()).start().waitFor();
        }
    }

    @Test
    void givenAFileVerifiedElsewhere_whenAdmitted_thenItIsCachedAndCountsAgainstTheBudget()
            throws Exception {
        BlobCache cache = BlobCache.open(root, 3000);
        byte[] a = bytes(1000, 31);
        byte[] b = bytes(2500, 32);
        Path partial = Files.createDirectories(root.resolve("partial"));
        Path fileA = Files.write(partial.resolve("a"), a);
        Path cached = cache.admit(digest(a), fileA);
        assertThat(Files.readAllBytes(cached)).isEqualTo(a);
        assertThat(fileA).doesNotExist();
        assertThat(cache.usedBytes()).isEqualTo(1000);

        // Admitting b needs a's room: a is evicted and its listener told.
        List<Digest> evicted = new ArrayList<>();
        cache.onEvict(evicted::add);
        cache.admit(digest(b), Files.write(partial.resolve("b"), b));
        assertThat(evicted).containsExactly(digest(a));
        assertThat(cache.usedBytes()).isEqualTo(2500);

        // A second copy of a cached blob is dropped, not counted twice.
        Path again = Files.write(partial.resolve("b2"), b);
        assertThat(cache.admit(digest(b), again)).isEqualTo(cache.find(digest(b)).orElseThrow());
        assertThat(again).doesNotExist();
        assertThat(cache.usedBytes()).isEqualTo(2500);
    }

    @Test
    void givenACachedBlob_whenDropped_thenItIsGoneAndTheListenerIsTold() throws Exception {
        BlobCache cache = BlobCache.open(root, 1 << 20);
        byte[] a = bytes(1000, 33);
        cache.fetch(digest(a), -1, serving(a), n -> { });
        List<Digest> evicted = new ArrayList<>();
        cache.onEvict(evicted::add);
        cache.drop(digest(a));
        assertThat(cache.find(digest(a))).isEmpty();
        assertThat(cache.usedBytes()).isZero();
        assertThat(evicted).containsExactly(digest(a));
        cache.drop(digest(a));
        assertThat(evicted).hasSize(1);
    }

    @Test
    void givenSha512Digest_thenRefused() throws Exception {
        BlobCache cache = BlobCache.open(root, 1 << 20);
        assertThatThrownBy(() -> cache.fetch(new Digest("sha512", "a".repeat(128)), 1,
                serving(new byte[1]), n -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}
