package io.rackswarm.tracker.swarm;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.AsyncResult;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Pipelines commands to Redis. While a lane has {@code depth} batches in flight, new commands
 * wait in its queue; when a batch returns, everything queued leaves in one write. Under load,
 * dozens of announces then cost Redis and the tracker one read and one write instead of one
 * each; an idle tracker sends every command at once. Each thread (one per event loop) has its
 * own lane, so answers come back on the thread that asked.
 *
 * <p>A batch that fails is sent again command by command, so commands sent through a pipeline
 * must be idempotent. The announce script is: repeating an announce with the same time stamp
 * changes nothing.
 */
final class RedisPipeline {

    private final Redis redis;
    private final int depth;
    private final int maxBatch;
    private final IntConsumer batchSizes;
    private final ThreadLocal<Lane> lanes = ThreadLocal.withInitial(Lane::new);

    /** @param batchSizes told the number of commands of every write */
    RedisPipeline(Redis redis, int depth, int maxBatch, IntConsumer batchSizes) {
        if (depth < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("depth and batch size must be positive");
        }
        this.redis = redis;
        this.depth = depth;
        this.maxBatch = maxBatch;
        this.batchSizes = batchSizes;
    }

    Uni<Response> send(Request request) {
        return Uni.createFrom().emitter(em -> lanes.get().submit(new Pending(request, em)));
    }

    private record Pending(Request request, UniEmitter<? super Response> emitter) {
    }

    private final class Lane {

        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private int inFlight;

        void submit(Pending p) {
            List<Pending> batch;
            synchronized (this) {
                queue.add(p);
                batch = takeBatch();
            }
            send(batch);
        }

        /** The next batch to send, or null when the lane is at its depth or has nothing. */
        private List<Pending> takeBatch() {
            if (inFlight >= depth || queue.isEmpty()) {
                return null;
            }
            List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
            while (!queue.isEmpty() && batch.size() < maxBatch) {
                batch.add(queue.poll());
            }
            inFlight++;
            return batch;
        }

        private void send(List<Pending> batch) {
            if (batch == null) {
                return;
            }
            batchSizes.accept(batch.size());
            if (batch.size() == 1) {
                redis.send(batch.get(0).request()).onComplete(ar -> {
                    next();
                    complete(batch.get(0), ar);
                });
                return;
            }
            List<Request> requests = new ArrayList<>(batch.size());
            batch.forEach(p -> requests.add(p.request()));
            redis.batch(requests).onComplete(ar -> {
                next();
                if (ar.failed()) {
                    // The client reports a batch as a whole: one error reply (NOSCRIPT after a
                    // restart) fails every command of it. Sent again one by one, each command
                    // gets its own answer; that is why only idempotent commands may come here.
                    batch.forEach(p -> redis.send(p.request()).onComplete(one -> complete(p, one)));
                    return;
                }
                List<Response> responses = ar.result();
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).emitter().complete(responses.get(i));
                }
            });
        }

        private void next() {
            List<Pending> batch;
            synchronized (this) {
                inFlight--;
                batch = takeBatch();
            }
            send(batch);
        }

        private void complete(Pending p, AsyncResult<Response> ar) {
            if (ar.succeeded()) {
                p.emitter().complete(ar.result());
            } else {
                p.emitter().fail(ar.cause());
            }
        }
    }
}
