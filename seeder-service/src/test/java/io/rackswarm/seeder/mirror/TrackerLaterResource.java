package io.rackswarm.seeder.mirror;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.rackswarm.testsupport.OciLayout;
import io.rackswarm.testsupport.RedisServer;
import io.rackswarm.testsupport.RegistryServer;
import io.rackswarm.testsupport.TrackerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A seeder whose tracker is down when it starts: a real docker-registry with one image, and a
 * tracker port that nothing listens on until a test starts the tracker there.
 */
public class TrackerLaterResource implements QuarkusTestResourceLifecycleManager {

    static RegistryServer registry;
    static OciLayout.Image image;
    static Path dir;
    static int trackerPort;
    static TrackerProcess tracker;

    /** Starts the real tracker on the port the seeder was configured with. */
    static TrackerProcess startTracker() throws Exception {
        tracker = TrackerProcess.start(dir, trackerPort, Map.of(
                "RACKSWARM_TRACKER_ANNOUNCE_INTERVAL", "2s",
                "RACKSWARM_TRACKER_MIN_INTERVAL", "1s"));
        return tracker;
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("seeder-tracker-later");
            OciLayout layout = OciLayout.create(dir.resolve("layout"));
            image = layout.image("amd64", 41, 2_000_000);
            layout.tag(OciLayout.MANIFEST, image.manifest(), "v1");
            registry = RegistryServer.start(dir.resolve("registry"));
            registry.push(layout.dir(), "v1", "team/later", "v1");
            trackerPort = RedisServer.freePort();
            return UpstreamResource.seederConfig(dir.resolve("cache"), registry.host(),
                    "http://127.0.0.1:" + trackerPort);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the seeder's upstream", e);
        }
    }

    @Override
    public void stop() {
        if (tracker != null) {
            tracker.close();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
