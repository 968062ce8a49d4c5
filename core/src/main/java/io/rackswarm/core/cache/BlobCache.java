package io.rackswarm.core.cache;

import io.rackswarm.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * Content-addressed blobs on disk ({@code <root>/blobs/sha256/<hex>}).
 *
 * <p>A blob enters only whole and verified: it is written to {@code <root>/tmp}, hashed while it
 * streams, checked against its digest and renamed into place atomically, so a reader never sees
 * a partial or wrong blob. Concurrent requests for one missing blob share one download. The
 * cache keeps to a byte budget by evicting least recently used blobs, never one that is leased
 * (being served or seeded). After a restart the directory is re-indexed.
 */
public final class BlobCache {

    private final Path blobs;
    private final Path tmp;
    private final long budgetBytes;
    /** Sizes in access order, least recently used first. Guarded by {@code this}. */
    private final LinkedHashMap<Digest, Long> entries = new LinkedHashMap<>(16, 0.75f, true);
    private int trimmedAtOpen;
    private final Map<Digest, Integer> leases = new ConcurrentHashMap<>();
    private final Map<Digest, Filling> inFlight = new ConcurrentHashMap<>();
    private long usedBytes;
    private long reservedBytes;
    private volatile java.util.function.Consumer<Digest> onEvict = d -> { };
    private volatile java.util.function.Predicate<Digest> busy = d -> false;
    /** Runs between a miss and the claim of its download: tests replay interleavings there. */
    volatile Runnable betweenMissAndClaim = () -> { };

    private BlobCache(Path root, long budgetBytes) throws IOException {
        this.blobs = Files.createDirectories(root.resolve("blobs").resolve("sha256"));
        this.tmp = Files.createDirectories(root.resolve("tmp"));
        this.budgetBytes = budgetBytes;
    }

    /** Opens (and re-indexes) the cache under {@code root}. */
    public static BlobCache open(Path root, long budgetBytes) throws IOException {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("cache budget must be positive: " + budgetBytes);
        }
        BlobCache cache = new BlobCache(root, budgetBytes);
        cache.reindex();
        return cache;
    }

    /**
     * Leftover temporary files are partial downloads and go; files whose name is not a digest are
     * left alone but not served. Blobs are indexed oldest-modified first, as the LRU order.
     */
    private void reindex() throws IOException {
        try (DirectoryStream<Path> partial = Files.newDirectoryStream(tmp)) {
            for (Path p : partial) {
                Files.deleteIfExists(p);
            }
        }
        java.util.List<Path> found = new java.util.ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(blobs)) {
            all.forEach(found::add);
        }
        found.sort(java.util.Comparator.comparing(p -> {
            try {
                return Files.getLastModifiedTime(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        synchronized (this) {
            for (Path p : found) {
                Digest d;
                try {
                    d = new Digest("sha256", p.getFileName().toString());
                } catch (IllegalArgumentException notABlob) {
                    continue;
                }
                long size = Files.size(p);
                entries.put(d, size);
                usedBytes += size;
            }
            trimToBudget();
        }
    }

    /**
     * A budget lowered since the last run applies at once: the least recently used blobs go
     * until the rest fits (nothing is leased or being served while the cache opens).
     */
    private void trimToBudget() throws IOException {
        Iterator<Map.Entry<Digest, Long>> lru = entries.entrySet().iterator();
        while (usedBytes > budgetBytes && lru.hasNext()) {
            Map.Entry<Digest, Long> e = lru.next();
            Files.deleteIfExists(path(e.getKey()));
            usedBytes -= e.getValue();
            trimmedAtOpen++;
            lru.remove();
        }
    }

    /** Blobs removed when the cache opened because they no longer fitted its budget. */
    public synchronized int trimmedAtOpen() {
        return trimmedAtOpen;
    }

    /** Told of every evicted blob, after its file is gone (the seeder stops seeding it). */
    public void onEvict(java.util.function.Consumer<Digest> listener) {
        this.onEvict = listener;
    }

    /**
     * Blobs for which {@code inUse} holds are not evicted either, like leased ones: the seeder
     * passes "is being downloaded by peers right now", so a rollout in flight keeps its origin.
     */
    public void keepWhile(java.util.function.Predicate<Digest> inUse) {
        this.busy = inUse;
    }

    /** Whether the blob is cached; not a use for LRU. */
    public synchronized boolean contains(Digest digest) {
        return entries.containsKey(digest);
    }

    /** The blob's file if it is cached; counts as a use for LRU. */
    public Optional<Path> find(Digest digest) {
        synchronized (this) {
            if (entries.get(digest) == null) {
                return Optional.empty();
            }
        }
        return Optional.of(path(digest));
    }

    /**
     * The cached blob, fetched from {@code source} first if missing. Concurrent callers for one
     * digest share one fetch.
     *
     * @param expectedSize the size the descriptor announces, reserved against the budget; -1
     *     when unknown, in which case room is made once the blob is complete
     * @param progress told the bytes received so far as the download goes
     * @throws DigestMismatchException the source sent other bytes; nothing was cached
     * @throws CacheFullException no room even after evicting every unleased blob, or disk full
     * @throws UncheckedIOException the source failed; nothing was cached
     */
    public Path fetch(Digest digest, long expectedSize, BlobSource source, LongConsumer progress) {
        Optional<Filling> filling = fill(digest, expectedSize, source, progress, length -> null,
                Runnable::run);
        if (filling.isEmpty()) {
            return path(digest);
        }
        try {
            return filling.get().done().join();
        } catch (CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * Starts fetching a missing blob from {@code source} on {@code executor}, or joins the fetch
     * already under way, and returns at once: readers follow the bytes as they arrive (see
     * {@link Filling}). Empty when the blob is cached.
     *
     * @param expectedSize as for {@link #fetch}
     * @param taps given the blob's length once known (-1 when the source does not say), a tap
     *     that sees every byte in order, or null for none
     * @throws java.util.concurrent.RejectedExecutionException the executor takes no more
     */
    public Optional<Filling> fill(Digest digest, long expectedSize, BlobSource source,
            LongConsumer progress, java.util.function.LongFunction<BlobTap> taps,
            java.util.concurrent.Executor executor) {
        if (!digest.algorithm().equals("sha256")) {
            throw new IllegalArgumentException("only sha256 blobs are cached: " + digest);
        }
        if (find(digest).isPresent()) {
            return Optional.empty();
        }
        betweenMissAndClaim.run();
        Filling mine = new Filling(digest);
        Filling running = inFlight.putIfAbsent(digest, mine);
        if (running != null) {
            return Optional.of(running);
        }
        // A download that landed since the miss above (it is cached before it stops being in
        // flight) is not fetched again.
        if (find(digest).isPresent()) {
            inFlight.remove(digest, mine);
            return Optional.empty();
        }
        Runnable task = () -> {
            try {
                mine.finish(download(digest, expectedSize, source, progress, taps, mine));
            } catch (RuntimeException | Error e) {
                mine.fail(e);
            } finally {
                inFlight.remove(digest, mine);
            }
        };
        try {
            executor.execute(task);
        } catch (RuntimeException rejected) {
            inFlight.remove(digest, mine);
            mine.fail(rejected);
            throw rejected;
        }
        return Optional.of(mine);
    }

    /**
     * Takes in a blob file that was written and verified elsewhere (the agent's BitTorrent
     * downloads): it is moved into place atomically and counts against the budget.
     *
     * @param verified a file on the cache's file system whose sha256 the caller has checked
     * @return the blob's path in the cache; if the blob was cached meanwhile, that one (and
     *     {@code verified} is deleted)
     * @throws CacheFullException no room even after evicting every unleased blob
     */
    public Path admit(Digest digest, Path verified) throws IOException {
        Optional<Path> hit = find(digest);
        if (hit.isPresent()) {
            Files.deleteIfExists(verified);
            return hit.get();
        }
        long size = Files.size(verified);
        reserve(digest, size);
        Path target = path(digest);
        try {
            Files.move(verified, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            release(size);
            throw e;
        }
        synchronized (this) {
            reservedBytes -= size;
            if (entries.put(digest, size) == null) {
                usedBytes += size;
            }
        }
        return target;
    }

    /** Removes a blob that must not be served (it failed a check); a no-op if absent. */
    public void drop(Digest digest) throws IOException {
        synchronized (this) {
            Long size = entries.remove(digest);
            if (size == null) {
                return;
            }
            usedBytes -= size;
        }
        Files.deleteIfExists(path(digest));
        onEvict.accept(digest);
    }

    private static RuntimeException rethrow(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }

    private Path download(Digest digest, long expectedSize, BlobSource source,
            LongConsumer progress, java.util.function.LongFunction<BlobTap> taps,
            Filling filling) {
        long reserved = Math.max(expectedSize, 0);
        reserve(digest, reserved);
        Path part = null;
        long received = 0;
        try {
            part = Files.createTempFile(tmp, digest.hex(), ".part");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = source.open(digest); FileChannel file = FileChannel.open(part,
                    StandardOpenOption.WRITE); OutputStream out = Channels.newOutputStream(file)) {
                long declared = in instanceof DeclaredLength d ? d.declaredLength() : -1;
                if (expectedSize < 0 && declared >= 0) {
                    // Room for what the source announces, before reading any of it: a blob
                    // larger than the budget is refused now, not after it was downloaded.
                    reserve(digest, declared);
                    reserved = declared;
                    expectedSize = declared;
                }
                filling.started(part, expectedSize);
                BlobTap tap = taps.apply(expectedSize);
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    received += n;
                    if (expectedSize >= 0 && received > expectedSize) {
                        throw new DigestMismatchException(digest, "(more than " + expectedSize
                                + " bytes)", received);
                    }
                    sha.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    if (tap != null) {
                        tap.write(buffer, 0, n);
                    }
                    filling.advance(received);
                    progress.accept(received);
                }
                // On disk before it is renamed into place: a crash must not leave a blob whose
                // name promises bytes that never reached the disk.
                file.force(true);
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(digest.hex())) {
                throw new DigestMismatchException(digest, actual, received);
            }
            if (reserved < received) {
                reserve(digest, received - reserved);
                reserved = received;
            }
            Path target = path(digest);
            try {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IllegalStateException("cache tmp and blobs must share a file system", e);
            }
            part = null;
            synchronized (this) {
                reservedBytes -= reserved;
                entries.put(digest, received);
                usedBytes += received;
            }
            return target;
        } catch (IOException e) {
            release(reserved);
            if (isDiskFull(e)) {
                throw new CacheFullException("disk full while caching " + digest, e);
            }
            throw new UncheckedIOException("fetching " + digest + " failed after " + received
                    + " bytes: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(reserved);
            throw e;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        } finally {
            if (part != null) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException ignored) {
                    // the next re-index removes it
                }
            }
        }
    }

    private static boolean isDiskFull(IOException e) {
        return String.valueOf(e.getMessage()).contains("No space left on device");
    }

    /**
     * Makes room for a blob by evicting least recently used blobs that are neither leased nor
     * busy. Whether a blob is busy is asked outside the cache's lock (the seeder asks
     * libtorrent), so requests are not held up meanwhile; what changed in between (a new lease,
     * a blob gone) is checked again under the lock before anything is evicted.
     */
    private void reserve(Digest digest, long size) {
        if (size < 0 || size > budgetBytes) {
            throw new CacheFullException("blob " + digest + " of " + size
                    + " bytes exceeds the cache budget of " + budgetBytes, null);
        }
        List<Digest> evicted = new java.util.ArrayList<>();
        try {
            for (int pass = 0; ; pass++) {
                List<Digest> candidates = new java.util.ArrayList<>();
                synchronized (this) {
                    if (fits(size)) {
                        reservedBytes += size;
                        return;
                    }
                    for (Digest d : entries.keySet()) {
                        if (!leases.containsKey(d)) {
                            candidates.add(d);
                        }
                    }
                }
                List<Digest> idle = candidates.stream().filter(d -> !busy.test(d)).toList();
                synchronized (this) {
                    for (Digest d : idle) {
                        if (fits(size)) {
                            break;
                        }
                        if (leases.containsKey(d) || !entries.containsKey(d)) {
                            continue;
                        }
                        try {
                            Files.deleteIfExists(path(d));
                        } catch (IOException io) {
                            continue;
                        }
                        usedBytes -= entries.remove(d);
                        evicted.add(d);
                    }
                    if (fits(size)) {
                        reservedBytes += size;
                        return;
                    }
                    if (pass > 0 || idle.isEmpty()) {
                        throw new CacheFullException("no room for " + digest + " (" + size
                                + " bytes): " + usedBytes + " of " + budgetBytes
                                + " bytes are in use", null);
                    }
                }
            }
        } finally {
            evicted.forEach(onEvict);
        }
    }

    private boolean fits(long size) {
        return usedBytes + reservedBytes + size <= budgetBytes;
    }

    private synchronized void release(long size) {
        reservedBytes -= size;
    }

    /**
     * Keeps the blob from eviction until the lease is closed; for serving and seeding.
     *
     * @return empty when the blob is not cached
     */
    public Optional<Lease> lease(Digest digest) {
        synchronized (this) {
            if (!entries.containsKey(digest)) {
                return Optional.empty();
            }
            leases.merge(digest, 1, Integer::sum);
        }
        return Optional.of(new Lease(digest));
    }

    /** Whether a lease holds the blob (it is being served or seeded). */
    public boolean isLeased(Digest digest) {
        return leases.containsKey(digest);
    }

    public synchronized long usedBytes() {
        return usedBytes;
    }

    public synchronized int size() {
        return entries.size();
    }

    /** Cached digests, least recently used first. */
    public synchronized List<Digest> digests() {
        return List.copyOf(entries.keySet());
    }

    private Path path(Digest digest) {
        return blobs.resolve(digest.hex());
    }

    /** A hold on a cached blob. */
    public final class Lease implements AutoCloseable {
        private final Digest digest;
        private boolean closed;

        private Lease(Digest digest) {
            this.digest = digest;
        }

        public Path path() {
            return BlobCache.this.path(digest);
        }

        @Override
        public void close() {
            synchronized (BlobCache.this) {
                if (!closed) {
                    closed = true;
                    leases.computeIfPresent(digest, (d, n) -> n == 1 ? null : n - 1);
                }
            }
        }
    }
}
