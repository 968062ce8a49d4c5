package io.rackswarm.seeder.populate;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Progress of one "populate the cache with these images" request, readable while it runs. */
public final class PopulateJob {

    /** Where a job is. */
    public enum State { RUNNING, DONE, FAILED }

    private final String id;
    private final List<String> images;
    private final AtomicInteger blobsTotal = new AtomicInteger();
    private final AtomicInteger blobsDone = new AtomicInteger();
    private final AtomicLong bytesDone = new AtomicLong();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private volatile State state = State.RUNNING;

    PopulateJob(String id, List<String> images) {
        this.id = id;
        this.images = List.copyOf(images);
    }

    void found(int blobs) {
        blobsTotal.addAndGet(blobs);
    }

    void cached(long bytes) {
        blobsDone.incrementAndGet();
        bytesDone.addAndGet(bytes);
    }

    void failed(String error) {
        errors.add(error);
    }

    void finish() {
        state = errors.isEmpty() ? State.DONE : State.FAILED;
    }

    /** A snapshot for the API. */
    public Progress progress() {
        return new Progress(id, images, state, blobsTotal.get(), blobsDone.get(), bytesDone.get(),
                List.copyOf(errors));
    }

    /** The job as the API shows it. */
    public record Progress(String id, List<String> images, State state, int blobsTotal,
            int blobsDone, long bytesDone, List<String> errors) {
    }
}
