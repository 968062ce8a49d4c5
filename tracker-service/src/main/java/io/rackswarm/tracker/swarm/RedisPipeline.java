package io.rackswarm.tracker.swarm;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Pipelines commands to Redis. On an event loop, commands wait until the loop has handled
 * everything its last poll brought (every request read in that turn) and then leave in one
 * write; while a lane has {@code depth} batches in flight, they wait for one to return. Under
 * load, dozens of announces then cost Redis and the tracker one read and one write instead of
 * one each, without waiting for a round trip to gather them; an idle tracker sends each
 * command at the end of the turn that brought it. Each thread (one per event loop) has its own
 * lane, so answers come back on the thread that asked; other threads share one lane, which
 * sends at once.
 *
 * <p>A caller may send a group of commands (an announce script and the read of the peer's
 * rack): a group always leaves in one write, so it costs one round trip.
 *
 * <p>A batch that fails is sent again group by group, so commands sent through a pipeline
 * must be idempotent. The announce script is: repeating an announce with the same time stamp
 * changes nothing.
 */
final class RedisPipeline {

    private final java.util.function.Supplier<Redis> clients;
    private final int depth;
    private final int maxBatch;
    private final IntConsumer batchSizes;
    private final ThreadLocal<Lane> lanes =
            ThreadLocal.withInitial(() -> new Lane(loopContext()));
    /** For callers that are no event loop (tests, workers): one lane shared by all of them. */
    private final Lane shared = new Lane(null);
    private final List<Redis> made = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param clients makes a client on the calling thread; each lane makes one
     * @param batchSizes told the number of groups of every write
     */
    RedisPipeline(java.util.function.Supplier<Redis> clients, int depth, int maxBatch,
            IntConsumer batchSizes) {
        if (depth < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("depth and batch size must be positive");
        }
        this.clients = clients;
        this.depth = depth;
        this.maxBatch = maxBatch;
        this.batchSizes = batchSizes;
    }

    /** Closes the lanes' clients and their connections. */
    void close() {
        made.forEach(Redis::close);
    }

    /**
     * Sends a group of commands in one write; answers in the same order. The future completes on
     * the lane's event loop, without hopping through any other context.
     */
    Future<List<Response>> send(List<Request> group) {
        if (group.isEmpty()) {
            throw new IllegalArgumentException("empty group");
        }
        Promise<List<Response>> answer = Promise.promise();
        lane().submit(new Pending(group, answer));
        return answer.future();
    }

    /**
     * The calling event loop's own context: the caller's may be a request's duplicate, which
     * the lane must not keep alive.
     */
    private static Context loopContext() {
        Context current = Vertx.currentContext();
        return current == null ? null : ((io.vertx.core.impl.ContextInternal) current).unwrap();
    }

    private Lane lane() {
        return Context.isOnEventLoopThread() ? lanes.get() : shared;
    }

    private record Pending(List<Request> group, Promise<List<Response>> answer) {

        void complete(AsyncResult<List<Response>> ar) {
            answer.handle(ar);
        }
    }

    private final class Lane {

        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private int inFlight;
        /** The event loop's context that sends this lane's batches; null: send at once. */
        private final Context loop;
        /** Whether a send is already due at the end of the loop's current turn. */
        private boolean due;

        /**
         * This lane's own client and connection, made on its thread: a Vert.x Redis client
         * reads all its connections on the event loop it was created on, so a shared client
         * would have one loop parse every loop's answers and hand them over.
         */
        private Redis client;
        private Future<RedisConnection> connection;

        Lane(Context loop) {
            this.loop = loop;
        }

        private Future<List<Response>> write(List<Request> requests) {
            return connection().compose(c -> requests.size() == 1
                    ? c.send(requests.get(0)).map(r -> java.util.Collections.singletonList(r))
                    : c.batch(requests));
        }

        private synchronized Future<RedisConnection> connection() {
            if (connection == null || connection.failed()) {
                if (client == null) {
                    client = clients.get();
                    made.add(client);
                }
                Future<RedisConnection> opening = client.connect();
                connection = opening;
                opening.onSuccess(c -> c.exceptionHandler(e -> drop(opening))
                        .endHandler(v -> drop(opening)));
            }
            return connection;
        }

        private synchronized void drop(Future<RedisConnection> broken) {
            if (connection == broken) {
                connection = null;
            }
            broken.onSuccess(RedisConnection::close);
        }

        void submit(Pending p) {
            synchronized (this) {
                queue.add(p);
            }
            sendSoon();
        }

        /**
         * Sends what is queued once the loop's current turn is over: tasks run after the loop
         * has handled every channel its poll found ready, so the requests read in one turn
         * share a write.
         */
        private void sendSoon() {
            if (loop == null) {
                sendQueued();
                return;
            }
            if (!due) {
                due = true;
                loop.runOnContext(v -> {
                    due = false;
                    sendQueued();
                });
            }
        }

        private void sendQueued() {
            List<Pending> batch;
            do {
                synchronized (this) {
                    batch = takeBatch();
                }
                send(batch);
            } while (batch != null);
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
                write(batch.get(0).group()).onComplete(ar -> {
                    next();
                    batch.get(0).complete(ar);
                });
                return;
            }
            List<Request> requests = new ArrayList<>();
            batch.forEach(p -> requests.addAll(p.group()));
            write(requests).onComplete(ar -> {
                next();
                if (ar.failed()) {
                    // The client reports a batch as a whole: one error reply (NOSCRIPT after a
                    // restart) fails every command of it. Sent again group by group, each caller
                    // gets its own answer; that is why only idempotent commands may come here.
                    batch.forEach(p -> write(p.group()).onComplete(p::complete));
                    return;
                }
                List<Response> responses = ar.result();
                int at = 0;
                for (Pending p : batch) {
                    int n = p.group().size();
                    p.answer().complete(responses.subList(at, at + n));
                    at += n;
                }
            });
        }

        private void next() {
            synchronized (this) {
                inFlight--;
            }
            sendSoon();
        }
    }
}
