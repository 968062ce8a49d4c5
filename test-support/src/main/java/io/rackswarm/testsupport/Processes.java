package io.rackswarm.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/** Starting and stopping the server processes tests run. */
final class Processes {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Processes() {
    }

    /** Polls {@code uri} until its status satisfies {@code up}; false if the process died. */
    static boolean awaitHttp(Process process, URI uri, IntPredicate up, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                int status = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (up.test(status)) {
                    return true;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Asks the process to stop, then kills it if it has not within 10 s. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
