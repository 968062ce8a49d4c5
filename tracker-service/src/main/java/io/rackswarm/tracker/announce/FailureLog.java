package io.rackswarm.tracker.announce;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Logs announce failures an operator can read during an outage: the first of each kind at once,
 * then one line per kind per interval with how many there were, instead of a stack trace per
 * announce.
 */
final class FailureLog {

    private static final Logger LOG = Logger.getLogger(FailureLog.class);

    private final long intervalNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    FailureLog(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
    }

    private static final class Window {
        final AtomicLong count = new AtomicLong();
        final AtomicLong since = new AtomicLong(Long.MIN_VALUE);
    }

    void failed(Throwable e) {
        String kind = e.getClass().getSimpleName();
        Window w = windows.computeIfAbsent(kind, k -> new Window());
        long n = w.count.incrementAndGet();
        long now = System.nanoTime();
        long since = w.since.get();
        if ((since == Long.MIN_VALUE || now - since >= intervalNanos)
                && w.since.compareAndSet(since, now)) {
            w.count.addAndGet(-n);
            if (since == Long.MIN_VALUE) {
                LOG.warnf("announce failed: %s: %s", kind, e.getMessage());
            } else {
                LOG.warnf("%d announces failed in the last %d s: %s: %s", n,
                        TimeUnit.NANOSECONDS.toSeconds(now - since), kind, e.getMessage());
            }
        }
    }
}
