package io.rackswarm.seeder.upstream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a blob download may go without receiving a byte. HTTP clients time out
 * waiting for response headers, not a body that stops flowing; an upstream that stalls mid-blob
 * would otherwise hold a pull forever. The stream is closed when it stalls, which makes the
 * blocked read fail.
 */
final class StallGuard extends FilterInputStream
        implements io.rackswarm.core.cache.DeclaredLength {

    private static final ScheduledExecutorService WATCH =
            Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "upstream-stall-guard");
        t.setDaemon(true);
        return t;
    });

    private final long stallNanos;
    private final String what;
    private final ScheduledFuture<?> check;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;
    private final long declaredLength;

    /** @param declaredLength the response's Content-Length, -1 when absent */
    StallGuard(InputStream in, long declaredLength, Duration stall, String what) {
        super(in);
        this.declaredLength = declaredLength;
        this.stallNanos = stall.toNanos();
        this.what = what;
        long period = Math.max(10, stall.toMillis() / 4);
        this.check = WATCH.scheduleAtFixedRate(this::checkStall, period, period,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public long declaredLength() {
        return declaredLength;
    }

    private void checkStall() {
        if (System.nanoTime() - lastProgress > stallNanos) {
            stalled = true;
            check.cancel(false);
            try {
                in.close();
            } catch (IOException ignored) {
                // the reader sees the failure
            }
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = super.read(b, off, len);
        } catch (IOException e) {
            throw stalled ? stallError() : e;
        }
        if (stalled) {
            throw stallError();
        }
        lastProgress = System.nanoTime();
        return n;
    }

    private IOException stallError() {
        return new IOException("upstream stalled: no byte of " + what + " for "
                + Duration.ofNanos(stallNanos).toSeconds() + " s");
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        super.close();
    }
}
