package io.rackswarm.seeder.mirror;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * After a restart, seeds what the volume already holds, in the background. The replica reports
 * ready only once that is done, so a rollout does not count on blobs it is not yet seeding.
 */
@Readiness
@ApplicationScoped
public class Reseeding implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(Reseeding.class);

    private final PullThrough pullThrough;
    private volatile String state = "starting";

    public Reseeding(PullThrough pullThrough) {
        this.pullThrough = pullThrough;
    }

    void onStart(@Observes StartupEvent event) {
        Thread t = new Thread(() -> {
            while (!state.equals("done")) {
                try {
                    pullThrough.publishCached();
                    state = "done";
                } catch (RuntimeException e) {
                    // Typically the tracker is not reachable yet; blobs done so far stay seeded.
                    LOG.warnf("re-seeding the cache failed, retrying in 10 s: %s", e.getMessage());
                    state = "retrying: " + e.getMessage();
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        }, "reseed-cache");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("cache re-seeded").status(state.equals("done"))
                .withData("state", state).build();
    }
}
