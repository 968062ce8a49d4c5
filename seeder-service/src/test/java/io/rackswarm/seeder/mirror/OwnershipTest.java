package io.rackswarm.seeder.mirror;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.rackswarm.core.ring.RendezvousRing;
import io.rackswarm.testsupport.OciLayout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two replicas, one owner per blob: this replica (seeder-0) sends clients to the owner. */
@QuarkusTest
@TestProfile(OwnershipTest.TwoReplicas.class)
@WithTestResource(UpstreamResource.class)
class OwnershipTest {

    /** seeder-0 and seeder-1, each blob owned by one of them. */
    public static class TwoReplicas implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rackswarm.seeder.replicas", "seeder-0,seeder-1",
                    "rackswarm.seeder.replica-name", "seeder-0",
                    "rackswarm.seeder.owners", "1",
                    "rackswarm.seeder.replica-url-template", "http://{name}.seeders.test:7080");
        }
    }

    private final RendezvousRing ring = new RendezvousRing(List.of("seeder-0", "seeder-1"), 1);

    private OciLayout.Blob ownedBy(String replica) {
        List<OciLayout.Blob> candidates = new java.util.ArrayList<>(UpstreamResource.image.layers());
        candidates.addAll(UpstreamResource.arm64.layers());
        return candidates.stream().filter(b -> ring.ownersOf(b.digest()).get(0).equals(replica))
                .findFirst().orElseThrow(() -> new AssertionError("no test blob owned by "
                        + replica + "; add layers"));
    }

    @Test
    void givenBlobOwnedElsewhere_thenRedirectedToTheOwnerAndNotPulled() {
        OciLayout.Blob b = ownedBy("seeder-1");
        String host = UpstreamResource.registryHost();
        given().redirects().follow(false)
                .get("/v2/team/app/blobs/" + b.digest() + "?ns=" + host)
                .then().statusCode(307).header("Location", is("http://seeder-1.seeders.test:7080"
                        + "/v2/team/app/blobs/" + b.digest() + "?ns=" + host));
        given().get("/api/v1/cache").then().body("find { it.digest == '" + b.digest() + "' }",
                org.hamcrest.Matchers.nullValue());
    }

    @Test
    void givenBlobOwnedHere_thenServed() {
        OciLayout.Blob b = ownedBy("seeder-0");
        String repo = UpstreamResource.image.layers().contains(b) ? "team/app" : "team/multi";
        given().redirects().follow(false).get("/v2/" + repo + "/blobs/" + b.digest() + "?ns="
                + UpstreamResource.registryHost()).then().statusCode(200);
    }
}
