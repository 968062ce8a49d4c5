package io.rackswarm.tracker.swarm;

import io.smallrye.common.vertx.VertxContext;
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
 * changes nothing. The groups sent again take their turn in the lane like any batch, so they
 * never exceed its depth.
 *
 * <p>Every group has a deadline: its caller hears of a timeout when Redis has not answered in
 * time, whether the group is still queued or in flight. A batch in flight past the deadline
 * gives up its connection (a Redis that stopped answering holds it forever), so the lane's next
 * batch goes out on a new one. A lane holds a bounded queue; a group that finds it full fails
 * at once (load shedding) instead of waiting.
 *
 * <p>On Redis Cluster, a write goes to one node and the client takes only batches whose keys
 * share a slot (it fails the others with CROSSSLOT before sending them). There, a batch is made
 * of the groups of one slot: the oldest group's, and those of the same slot queued after it.
 * Groups without a key join any batch. The other slots' groups keep their place in the queue.
 */
final class RedisPipeline {

    private final java.util.function.Supplier<Redis> clients;
    private final Vertx vertx;
    private final int depth;
    private final int maxBatch;
    private final long timeoutNanos;
    private final int maxQueued;
    private final IntConsumer batchSizes;
    private final Runnable shed;
    private final IntConsumer resent;
    private final boolean cluster;
    private final ThreadLocal<Lane> lanes =
            ThreadLocal.withInitial(() -> new Lane(loopContext()));
    /** For callers that are no event loop (tests, workers): one lane shared by all of them. */
    private final Lane shared = new Lane(null);
    private final List<Redis> made = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Groups a cluster batch looks at, beyond its first, for more of its slot. */
    private static final int SLOT_WINDOW = 1024;

    /**
     * @param clients makes a client on the calling thread; each lane makes one
     * @param batchSizes told the number of groups of every write
     * @param shed told of every group refused because the lane's queue was full
     * @param resent told the number of groups sent again on their own after their batch failed
     */
    RedisPipeline(java.util.function.Supplier<Redis> clients, Vertx vertx, Limits limits,
            IntConsumer batchSizes, Runnable shed, IntConsumer resent) {
        this.clients = clients;
        this.vertx = vertx;
        this.depth = limits.depth();
        this.maxBatch = limits.maxBatch();
        this.timeoutNanos = limits.timeout().toNanos();
        this.maxQueued = limits.maxQueued();
        this.batchSizes = batchSizes;
        this.shed = shed;
        this.resent = resent;
        this.cluster = limits.cluster();
    }

    /**
     * How much a lane may hold and for how long.
     *
     * @param depth batches in flight per lane
     * @param maxBatch groups per batch
     * @param timeout how long a group may wait for its answer, queued and in flight
     * @param maxQueued groups a lane may hold waiting; more fail at once
     * @param cluster whether Redis is a cluster: then a batch holds the groups of one slot
     */
    record Limits(int depth, int maxBatch, java.time.Duration timeout, int maxQueued,
            boolean cluster) {

        /** The limits of a pipeline to one Redis server (no cluster). */
        Limits(int depth, int maxBatch, java.time.Duration timeout, int maxQueued) {
            this(depth, maxBatch, timeout, maxQueued, false);
        }

        Limits {
            if (depth < 1 || maxBatch < 1 || maxQueued < 1) {
                throw new IllegalArgumentException("depth, batch size and queue must be "
                        + "positive");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the Redis timeout must be positive");
            }
        }
    }

    /** Closes the lanes' clients and their connections. */
    void close() {
        made.forEach(Redis::close);
    }

    /**
     * Sends a group of commands that name no key (or whose keys do not matter for routing) in
     * one write; answers in the same order.
     */
    Future<List<Response>> send(List<Request> group) {
        return send(group, null);
    }

    /**
     * Sends a group of commands in one write; answers in the same order. The future completes on
     * the lane's event loop, without hopping through any other context.
     *
     * @param key a key of the group, all of whose keys share its slot (on Redis Cluster the
     *     group goes in a batch of that slot); null when the group names none
     */
    Future<List<Response>> send(List<Request> group, String key) {
        if (group.isEmpty()) {
            throw new IllegalArgumentException("empty group");
        }
        Promise<List<Response>> answer = Promise.promise();
        int slot = cluster && key != null ? ClusterSlot.of(key) : ANY_SLOT;
        lane().submit(new Pending(group, answer, false, System.nanoTime() + timeoutNanos, slot));
        return answer.future();
    }

    /** The slot of a group that names no key: on Redis Cluster it may join any batch. */
    private static final int ANY_SLOT = -1;

    /**
     * The calling event loop's own context: the caller's may be a request's duplicate, which
     * the lane must not keep alive.
     */
    private static Context loopContext() {
        Context current = Vertx.currentContext();
        return current == null ? null : VertxContext.getRootContext(current);
    }

    private Lane lane() {
        return Context.isOnEventLoopThread() ? lanes.get() : shared;
    }

    /**
     * A group waiting for its answer. {@code alone}: it failed in a batch and goes on its own
     * from now on.
     */
    private static final class Pending {
        private final List<Request> group;
        private final Promise<List<Response>> answer;
        private final boolean alone;
        /** System.nanoTime() past which the caller is told Redis did not answer. */
        private final long deadline;
        /** Its keys' Redis Cluster slot; ANY_SLOT without a cluster or a key. */
        private final int slot;

        Pending(List<Request> group, Promise<List<Response>> answer, boolean alone,
                long deadline, int slot) {
            this.group = group;
            this.answer = answer;
            this.alone = alone;
            this.deadline = deadline;
            this.slot = slot;
        }

        List<Request> group() {
            return group;
        }

        boolean isDone() {
            return answer.future().isComplete();
        }

        void complete(AsyncResult<List<Response>> ar) {
            if (ar.succeeded()) {
                answer.tryComplete(ar.result());
            } else {
                answer.tryFail(ar.cause());
            }
        }
    }

    private final class Lane {

        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private int inFlight;
        /** The event loop's context that sends this lane's batches; null: send at once. */
        private final Context loop;
        /** Whether a send is already due at the end of the loop's current turn. */
        private boolean due;
        /** Batches in flight, oldest first. Guarded by {@code this}. */
        private final ArrayDeque<InFlight> sent = new ArrayDeque<>();
        private volatile boolean sweeping;

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

        private Future<List<Response>> write(Future<RedisConnection> on,
                List<Request> requests) {
            return on.compose(c -> requests.size() == 1
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

        /** Forgets a broken or stuck connection and closes it, once however often it is told. */
        private synchronized void drop(Future<RedisConnection> broken) {
            if (connection == broken) {
                connection = null;
                broken.onSuccess(RedisConnection::close);
            }
        }

        void submit(Pending p) {
            synchronized (this) {
                if (queue.size() >= maxQueued) {
                    shed.run();
                    p.answer.tryFail(new RedisUnavailableException(queue.size()
                            + " commands are already waiting for Redis"));
                    return;
                }
                queue.add(p);
            }
            watch();
            sendSoon();
        }

        /**
         * Starts the lane's sweep of deadlines: a periodic check of the oldest groups queued and
         * the oldest batch in flight, so that an announce costs no timer of its own.
         */
        private void watch() {
            if (sweeping) {
                return;
            }
            synchronized (this) {
                if (sweeping) {
                    return;
                }
                sweeping = true;
            }
            long every = Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(
                    timeoutNanos) / 4);
            if (loop != null) {
                loop.runOnContext(v -> vertx.setPeriodic(every, id -> sweep()));
            } else {
                vertx.setPeriodic(every, id -> sweep());
            }
        }

        private void sweep() {
            long now = System.nanoTime();
            List<Pending> late = new ArrayList<>();
            InFlight stuck = null;
            synchronized (this) {
                while (!queue.isEmpty() && (queue.peek().isDone()
                        || now - queue.peek().deadline > 0)) {
                    late.add(queue.poll());
                }
                InFlight oldest = sent.peek();
                if (oldest != null && now - oldest.deadline > 0) {
                    stuck = oldest;
                }
            }
            RedisUnavailableException timeout = new RedisUnavailableException(
                    "Redis did not answer within "
                    + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            late.forEach(p -> p.answer.tryFail(timeout));
            if (stuck != null && stuck.settle(this)) {
                // Redis holds the batch: the connection goes so that the next batch does not
                // queue behind it, and the batch's callers hear of the timeout.
                drop(stuck.connection);
                stuck.batch.forEach(p -> p.answer.tryFail(timeout));
                next();
            }
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
            while (!queue.isEmpty() && queue.peek().isDone()) {
                queue.poll(); // timed out while queued
            }
            if (inFlight >= depth || queue.isEmpty()) {
                return null;
            }
            List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
            Pending head = queue.poll();
            batch.add(head);
            if (!head.alone) {
                if (cluster) {
                    takeSlot(batch, head.slot);
                } else {
                    while (!queue.isEmpty() && batch.size() < maxBatch && !queue.peek().alone) {
                        Pending p = queue.poll();
                        if (!p.isDone()) {
                            batch.add(p);
                        }
                    }
                }
            }
            inFlight++;
            return batch;
        }

        /**
         * Adds to a cluster batch the queued groups of its slot (and those without a key), in
         * their order, looking at most {@link #SLOT_WINDOW} groups ahead so that a long queue
         * of other slots costs a batch little.
         */
        private void takeSlot(List<Pending> batch, int slot) {
            java.util.Iterator<Pending> it = queue.iterator();
            for (int looked = 0; it.hasNext() && batch.size() < maxBatch && looked < SLOT_WINDOW;
                    looked++) {
                Pending p = it.next();
                if (p.isDone()) {
                    it.remove();
                } else if (!p.alone && (p.slot == slot || p.slot == ANY_SLOT
                        || slot == ANY_SLOT)) {
                    if (slot == ANY_SLOT) {
                        slot = p.slot;
                    }
                    it.remove();
                    batch.add(p);
                }
            }
        }

        private void send(List<Pending> batch) {
            if (batch == null) {
                return;
            }
            batchSizes.accept(batch.size());
            List<Request> requests = new ArrayList<>();
            batch.forEach(p -> requests.addAll(p.group()));
            Future<RedisConnection> on = connection();
            InFlight flight = new InFlight(batch, on, batch.get(0).deadline);
            synchronized (this) {
                sent.add(flight);
            }
            write(on, requests).onComplete(ar -> {
                if (!flight.settle(this)) {
                    return; // the sweep gave up on it
                }
                if (ar.failed() && batch.size() > 1) {
                    // The client reports a batch as a whole: one error reply (NOSCRIPT after a
                    // restart) fails every command of it. Each group goes again on its own, in
                    // its turn, so each caller gets its own answer; that is why only
                    // idempotent commands may come here.
                    int again = 0;
                    synchronized (this) {
                        for (int i = batch.size() - 1; i >= 0; i--) {
                            Pending p = batch.get(i);
                            if (!p.isDone()) {
                                queue.addFirst(new Pending(p.group, p.answer, true,
                                        p.deadline, p.slot));
                                again++;
                            }
                        }
                    }
                    resent.accept(again);
                    next();
                    return;
                }
                next();
                if (ar.failed()) {
                    batch.get(0).complete(ar);
                    return;
                }
                List<Response> responses = ar.result();
                int at = 0;
                for (Pending p : batch) {
                    int n = p.group().size();
                    p.answer.tryComplete(responses.subList(at, at + n));
                    at += n;
                }
            });
        }

        /** A batch on its way: settled once, by its answer or by the sweep. */
        private static final class InFlight {
            final List<Pending> batch;
            final Future<RedisConnection> connection;
            final long deadline;
            private boolean settled;

            InFlight(List<Pending> batch, Future<RedisConnection> connection, long deadline) {
                this.batch = batch;
                this.connection = connection;
                this.deadline = deadline;
            }

            /** Settles this batch; false if it was settled already. */
            boolean settle(Lane lane) {
                synchronized (lane) {
                    if (settled) {
                        return false;
                    }
                    settled = true;
                    lane.sent.remove(this);
                    return true;
                }
            }
        }

        private void next() {
            synchronized (this) {
                inFlight--;
            }
            sendSoon();
        }
    }
}
