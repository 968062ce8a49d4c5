package io.rackswarm.tracker.testing;

import io.quarkus.test.common.http.TestHTTPResource;
import io.rackswarm.core.torrent.InfoHash;
import java.net.URL;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of tests about one swarm: each test gets a client for the running tracker and a freshly
 * registered info-hash (1000-byte blob), so tests never share swarm state.
 */
public abstract class RegisteredSwarm {

    @TestHTTPResource("/")
    protected URL base;

    protected TrackerClient tracker;
    protected InfoHash ih;

    @BeforeEach
    void registerSwarm() {
        tracker = new TrackerClient(base);
        ih = Registrations.registered(1000);
    }
}
