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
 * The seeder's world for a test: a real docker-registry holding one image ({@code team/app:v1})
 * and the real tracker with its Redis. Test classes read them through the static fields.
 */
public class UpstreamResource implements QuarkusTestResourceLifecycleManager {

    static RegistryServer registry;
    static TrackerProcess tracker;
    static OciLayout.Image image;
    /** The arm64 image of the multi-platform index {@code team/multi:v2}. */
    static OciLayout.Image arm64;
    /** The amd64 image of the same index. */
    static OciLayout.Image multiAmd64;
    static Path dir;

    public static String registryHost() {
        return registry.host();
    }

    public static java.util.List<String> arm64Layers() {
        return arm64.layers().stream().map(OciLayout.Blob::digest).toList();
    }

    /** A seeder's settings against a registry and a tracker, with a fresh peer port. */
    static Map<String, String> seederConfig(Path cacheDir, String registryHost,
            String trackerUrl) throws java.io.IOException {
        return Map.of(
                "rackswarm.seeder.cache-dir", cacheDir.toString(),
                "rackswarm.seeder.default-registry", registryHost,
                "rackswarm.seeder.plain-http-registries", registryHost,
                "rackswarm.seeder.tracker-url", trackerUrl,
                "rackswarm.seeder.tracker-admin-token", TrackerProcess.ADMIN_TOKEN,
                "rackswarm.seeder.origin-secret", TrackerProcess.ORIGIN_SECRET,
                "rackswarm.seeder.peer-port", Integer.toString(RedisServer.freePort()));
    }

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("seeder-test");
            OciLayout layout = OciLayout.create(dir.resolve("layout"));
            image = layout.image("amd64", 99, 3_000_000, 40_000);
            layout.tag(OciLayout.MANIFEST, image.manifest(), "v1");
            registry = RegistryServer.start(dir.resolve("registry"));
            registry.push(layout.dir(), "v1", "team/app", "v1");
            OciLayout multi = OciLayout.create(dir.resolve("multi"));
            OciLayout.Image amd64 = multi.image("amd64", 5, 20_000);
            multiAmd64 = amd64;
            arm64 = multi.image("arm64", 6, 30_000, 10_000);
            multi.tag(OciLayout.INDEX, multi.index(java.util.List.of(amd64, arm64),
                    java.util.List.of("amd64", "arm64")), "v2");
            registry.push(multi.dir(), "v2", "team/multi", "v2");
            tracker = TrackerProcess.start(dir);
            // A blob left on the volume by an earlier run: the seeder must seed it at start-up.
            Path cached = Files.createDirectories(dir.resolve("cache/blobs/sha256"));
            Files.write(cached.resolve(image.config().digest().substring(7)),
                    image.config().bytes());
            // And one cut short, as a crash or a full disk leaves it: it must never be served.
            OciLayout.Blob cut = multiAmd64.layers().get(0);
            Files.write(cached.resolve(cut.digest().substring(7)),
                    java.util.Arrays.copyOf(cut.bytes(), cut.bytes().length / 2));
            Map<String, String> config = new java.util.HashMap<>(seederConfig(
                    dir.resolve("cache"), registry.host(), tracker.baseUrl()));
            config.put("rackswarm.seeder.upstream-backoff", "20ms");
            return config;
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
