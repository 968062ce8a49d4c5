package io.rackswarm.agent.topology;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import io.fabric8.kubernetes.api.model.Node;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rackswarm.core.topology.Location;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The node's topology comes from its Node's labels through the Kubernetes API and follows
 * relabelling without a restart.
 */
@QuarkusTest
@WithTestResource(KubernetesNodeResource.class)
class NodeTopologyTest {

    @Inject
    NodeTopology topology;

    @Test
    void givenANodeWithTopologyLabels_whenRelabelled_thenTheAgentFollows() throws Exception {
        assertThat(topology.location()).isEqualTo(new Location("eu", "eu-1a", "r1"));
        given().get("/api/v1/status").then().statusCode(200)
                .body("topology.rack", is("r1")).body("topology.source", is("from node node-7"));
        assertThat(given().get("/q/metrics").asString()).contains(
                "rackswarm_agent_node_info{node=\"node-7\",rack=\"r1\",region=\"eu\","
                        + "zone=\"eu-1a\"} 1.0");

        java.util.concurrent.atomic.AtomicReference<Location> told =
                new java.util.concurrent.atomic.AtomicReference<>();
        topology.onChange(told::set);
        KubernetesNodeResource.client.nodes().withName("node-7").edit((Node n) -> {
            n.getMetadata().getLabels().put("example.com/rack", "r2");
            return n;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // The listener hears of the new location just after it is set, on the watch's thread.
        while ((!topology.location().rack().equals("r2") || told.get() == null)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(topology.location()).isEqualTo(new Location("eu", "eu-1a", "r2"));
        assertThat(told.get()).isEqualTo(topology.location());
        // The info series moved with the node: one series, the new rack.
        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics).contains("rackswarm_agent_node_info{node=\"node-7\",rack=\"r2\"")
                .doesNotContain("rack=\"r1\"");
    }

    @Test
    void givenLabelsThatAreNotLabelValues_thenTheLastGoodLocationStays() throws Exception {
        Location before = topology.location();
        KubernetesNodeResource.client.nodes().withName("node-7").edit((Node n) -> {
            n.getMetadata().getLabels().put("topology.kubernetes.io/zone", "-bad-");
            return n;
        });
        Thread.sleep(500);
        assertThat(topology.location()).isEqualTo(before);
        assertThat(topology.state()).contains("rejected");
        KubernetesNodeResource.client.nodes().withName("node-7").edit((Node n) -> {
            n.getMetadata().getLabels().put("topology.kubernetes.io/zone", "eu-1a");
            return n;
        });
    }
}
