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
    void givenPopulate_thenOwnedBlobsAreCachedHereAndOthersAskedOfTheirOwner() throws Exception {
        String host = UpstreamResource.registryHost();
        String id = given().contentType(io.restassured.http.ContentType.JSON)
                .body("{\"images\":[\"" + host + "/team/multi:v2\"]}")
                .post("/api/v1/populate").then().statusCode(202).extract().path("id");
        String state = "RUNNING";
        for (int i = 0; i < 300 && state.equals("RUNNING"); i++) {
            Thread.sleep(100);
            state = given().get("/api/v1/populate/" + id).then().extract().path("state");
        }
        List<String> cached = given().get("/api/v1/cache").then().extract().path("digest");
        List<String> errors = given().get("/api/v1/populate/" + id).then().extract()
                .path("errors");
        List<OciLayout.Blob> blobs = new java.util.ArrayList<>(UpstreamResource.arm64.layers());
        blobs.add(UpstreamResource.arm64.config());
        blobs.addAll(UpstreamResource.multiAmd64.layers());
        blobs.add(UpstreamResource.multiAmd64.config());
        org.assertj.core.api.Assertions.assertThat(blobs).as("test data covers both owners")
                .anyMatch(b -> ring.ownersOf(b.digest()).get(0).equals("seeder-0"))
                .anyMatch(b -> ring.ownersOf(b.digest()).get(0).equals("seeder-1"));
        for (OciLayout.Blob layer : blobs) {
            if (ring.ownersOf(layer.digest()).get(0).equals("seeder-0")) {
                org.assertj.core.api.Assertions.assertThat(cached).contains(layer.digest());
            } else {
                // seeder-1 does not exist in this test: the job reports it could not reach it,
                // and this replica did not pull the blob in its place.
                org.assertj.core.api.Assertions.assertThat(cached).doesNotContain(layer.digest());
                org.assertj.core.api.Assertions.assertThat(errors).anyMatch(e ->
                        e.contains(layer.digest()) && e.contains("seeder-1.seeders.test"));
            }
        }
    }

    @Test
    void givenBlobOwnedHere_thenServed() {
        OciLayout.Blob b = ownedBy("seeder-0");
        String repo = UpstreamResource.image.layers().contains(b) ? "team/app" : "team/multi";
        given().redirects().follow(false).get("/v2/" + repo + "/blobs/" + b.digest() + "?ns="
                + UpstreamResource.registryHost()).then().statusCode(200);
    }
}
