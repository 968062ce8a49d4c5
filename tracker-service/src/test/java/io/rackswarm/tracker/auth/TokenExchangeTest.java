package io.rackswarm.tracker.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.bencode.BDict;
import io.rackswarm.tracker.testing.KubernetesApiResource;
import io.rackswarm.tracker.testing.RegisteredSwarm;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * POST /api/v1/tokens against fabric8's mock API server: a projected ServiceAccount token of an
 * agent's pod becomes a short-lived announce token for the pod's node, and nothing else does.
 */
@QuarkusTest
@WithTestResource(KubernetesApiResource.class)
class TokenExchangeTest extends RegisteredSwarm {

    private static Response exchange(String serviceAccountToken) {
        return given().header("Authorization", "Bearer " + serviceAccountToken)
                .post("/api/v1/tokens");
    }

    @Test
    void givenAgentPodToken_thenNodeTokenThatAnnounces() throws Exception {
        Response answer = exchange("agent-a");
        answer.then().statusCode(200).body("node", equalTo("node-a"))
                .body("expiresInSeconds", equalTo(600));
        String token = answer.path("token");
        assertThat(token).startsWith("node-a~");
        Instant expires = Instant.parse(answer.path("expiresAt"));
        assertThat(Duration.between(Instant.now(), expires).toSeconds()).isBetween(590L, 600L);

        BDict announced = tracker.announce(ih, 1).set("token", token).send();
        assertThat(announced.get("failure reason")).isEmpty();
        assertThat(announced.get("interval")).isPresent();
    }

    @Test
    void givenKubernetes130Review_thenNodeNameFromTheTokenItself() {
        exchange("agent-b-130").then().statusCode(200).body("node", equalTo("node-b"));
    }

    @Test
    void givenTokenTheApiServerRefuses_then401() {
        exchange("not-a-token").then().statusCode(401)
                .body("error", containsString("invalid bearer token"));
        exchange("wrong-audience").then().statusCode(401)
                .body("error", containsString("not for audience rackswarm"));
    }

    @Test
    void givenNoBearer_then401WithHowTo() {
        given().post("/api/v1/tokens").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("error", containsString("projected ServiceAccount token"));
        given().header("Authorization", "Basic YTpi").post("/api/v1/tokens").then()
                .statusCode(401);
    }

    @Test
    void givenOtherServiceAccountOrRecreatedPod_then403() {
        exchange("other-sa").then().statusCode(403)
                .body("error", containsString("default/builder may not get node tokens"));
        exchange("agent-stale").then().statusCode(403)
                .body("error", containsString("no longer exists"));
    }

    @Test
    void givenApiServerForbidsOrHangs_then503WithinTheDeadline() {
        exchange("forbidden").then().statusCode(503).body("error", containsString("RBAC"));
        long start = System.nanoTime();
        exchange("slow").then().statusCode(503)
                .body("error", containsString("did not answer"));
        // The client's request timeout is 2 s here; the API server would take 8 s.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(7));
    }
}
