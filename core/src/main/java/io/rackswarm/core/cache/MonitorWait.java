package io.rackswarm.core.cache;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits on an object's monitor, which the caller holds, until a condition holds or a timeout
 * passes: the loop of every "wait for the next bytes" of a transfer that is readable while it
 * arrives (the cache's {@link Filling}, the agent's downloads).
 */
public final class MonitorWait {

    private MonitorWait() {
    }

    /**
     * @param monitor the object whose lock the caller holds and whose {@code notifyAll} ends a
     *     wait
     * @param ready checked before each wait
     */
    public static void until(Object monitor, BooleanSupplier ready, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!ready.getAsBoolean()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return;
            }
            monitor.wait(left);
        }
    }
}
