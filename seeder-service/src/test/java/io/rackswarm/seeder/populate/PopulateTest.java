package io.rackswarm.seeder.populate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.seeder.mirror.UpstreamResource;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(UpstreamResource.class)
class PopulateTest {

    @Test
    void givenImagesIncludingAMultiArchIndexAndAMissingOne_thenEveryBlobIsCachedAndSeeded()
            throws Exception {
        String host = UpstreamResource.registryHost();
        String id = given().contentType(ContentType.JSON)
                .body("{\"images\":[\"" + host + "/team/multi:v2\",\"" + host
                        + "/team/app:v1\",\"" + host + "/team/missing:v9\"]}")
                .post("/api/v1/populate").then().statusCode(202)
                .header("Location", containsString("/api/v1/populate/"))
                .body("state", is("RUNNING")).extract().path("id");

        String state = "RUNNING";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (state.equals("RUNNING") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            state = given().get("/api/v1/populate/" + id).then().statusCode(200)
                    .extract().path("state");
        }
        // multi: 2 configs + 3 layers; app: 1 config + 2 layers.
        given().get("/api/v1/populate/" + id).then()
                .body("state", is("FAILED"))
                .body("blobsTotal", is(8)).body("blobsDone", is(8))
                .body("errors.size()", is(1))
                .body("errors[0]", containsString("team/missing:v9"));
        List<String> seeded = given().get("/api/v1/cache").then().extract()
                .path("findAll { it.seeding }.digest");
        assertThat(seeded).contains(UpstreamResource.arm64Layers().toArray(String[]::new));
    }

    @Test
    void givenBadRequests_thenClearErrors() {
        given().contentType(ContentType.JSON).body("{\"images\":[]}").post("/api/v1/populate")
                .then().statusCode(400).body("errors[0].message", containsString("at least one"));
        given().contentType(ContentType.JSON).body("{\"images\":[\"Not/Valid::\"]}")
                .post("/api/v1/populate").then().statusCode(400);
        given().get("/api/v1/populate/nope").then().statusCode(404)
                .body("errors[0].code", is("JOB_UNKNOWN"));
    }
}
