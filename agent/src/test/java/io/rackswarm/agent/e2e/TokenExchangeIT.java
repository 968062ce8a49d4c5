package io.rackswarm.agent.e2e;

import static io.rackswarm.agent.testing.AgentHttp.counter;
import static io.rackswarm.agent.testing.AgentHttp.get;
import static io.rackswarm.agent.testing.AgentHttp.pull;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.rackswarm.agent.testing.AgentWorld;
import io.rackswarm.testsupport.OciLayout;
import io.rackswarm.testsupport.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents that hold no secret: each trades its pod's projected ServiceAccount token at the tracker
 * (which checks it with TokenReview against fabric8's mock API server) for a node token that
 * lives 10 s, renews it, and keeps announcing. An agent the API server does not vouch for still
 * serves every pull, from the seeder over HTTP.
 */
class TokenExchangeIT {

    private static final String AGENT_SA = "system:serviceaccount:rackswarm:rackswarm-agent";

    @TempDir
    static Path dir;

    static KubernetesMockServer api;
    static AgentWorld world;

    @BeforeAll
    static void start() throws Exception {
        api = new KubernetesMockServer(false);
        api.init();
        // The API server vouches for the token "sa-node-x1" alone: pod agent-x1 on node-x1.
        api.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReply(201, request -> request.getUtf8Body().contains("\"sa-node-x1\"")
                        ? new TokenReviewBuilder().withNewStatus().withAuthenticated(true)
                                .withAudiences("rackswarm").withNewUser().withUsername(AGENT_SA)
                                .withExtra(Map.of(
                                        "authentication.kubernetes.io/pod-name",
                                        List.of("agent-x1"),
                                        "authentication.kubernetes.io/pod-uid",
                                        List.of("uid-x1")))
                                .endUser().endStatus().build()
                        : new TokenReviewBuilder().withNewStatus().withAuthenticated(false)
                                .withError("token has expired").endStatus().build())
                .always();
        api.expect().get().withPath("/api/v1/namespaces/rackswarm/pods/agent-x1")
                .andReturn(200, new PodBuilder().withNewMetadata().withName("agent-x1")
                        .withNamespace("rackswarm").withUid("uid-x1").endMetadata()
                        .withNewSpec().withNodeName("node-x1").endSpec().build())
                .always();
        world = AgentWorld.start(dir.resolve("world"), 0, Map.of(
                "QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL",
                "http://" + api.getHostName() + ":" + api.getPort(),
                "RACKSWARM_TRACKER_TOKEN_EXCHANGE_ENABLED", "true",
                "RACKSWARM_TRACKER_TOKEN_EXCHANGE_SERVICE_ACCOUNTS", "rackswarm/rackswarm-agent",
                "RACKSWARM_TRACKER_TOKEN_EXCHANGE_TOKEN_TTL", "10s"));
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            world.close();
        }
        if (api != null) {
            api.destroy();
        }
    }

    /** An agent of a node configured for the exchange, with no secret of any kind. */
    private static ServiceProcess agent(String node, String saToken) throws Exception {
        Path tokenFile = Files.writeString(dir.resolve(node + ".token"), saToken + "\n");
        Map<String, String> env = new java.util.HashMap<>(world.agentEnv(node, "a"));
        env.remove("RACKSWARM_AGENT_NODE_SECRET");
        env.put("RACKSWARM_AGENT_SERVICE_ACCOUNT_TOKEN_FILE", tokenFile.toString());
        env.put("RACKSWARM_AGENT_TRACKER_URL", world.tracker.baseUrl());
        return ServiceProcess.start(node, "rackswarm.jar.agent",
                io.rackswarm.testsupport.RedisServer.freePort(), env, dir);
    }

    @Test
    void givenAVouchedForPod_thenItsAgentAnnouncesWithRenewedNodeTokens() throws Exception {
        OciLayout.Blob first = world.image.layers().get(1);
        OciLayout.Blob second = world.image.layers().get(2);
        try (ServiceProcess agent = agent("node-x1", "sa-node-x1")) {
            assertThat(pull(world, agent, first)).isEqualTo(first.digest());
            String metrics = get(agent.url() + "/q/metrics");
            assertThat(counter(metrics, "rackswarm_agent_fetched_bytes_total", "source",
                    "seeder_p2p")).as("came over BitTorrent\n%s", agent.log())
                    .isEqualTo(first.size());

            // 10 s tokens are renewed every 5 s; after two renewals the first has expired.
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (counter(get(agent.url() + "/q/metrics"),
                    "rackswarm_agent_token_exchanges_total", "outcome", "ok") < 3
                    && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            metrics = get(agent.url() + "/q/metrics");
            assertThat(counter(metrics, "rackswarm_agent_token_exchanges_total", "outcome",
                    "ok")).as(agent.log()).isGreaterThanOrEqualTo(3);
            assertThat(pull(world, agent, second)).isEqualTo(second.digest());
            metrics = get(agent.url() + "/q/metrics");
            assertThat(counter(metrics, "rackswarm_agent_fetched_bytes_total", "source",
                    "seeder_p2p")).as("still over BitTorrent after renewals\n%s", agent.log())
                    .isEqualTo(first.size() + second.size());
            assertThat(counter(metrics, "rackswarm_agent_fallbacks_total", "reason",
                    "p2p_stall")).isZero();
        }
    }

    @Test
    void givenAPodTheApiServerRefuses_thenPullsStillCompleteOverHttp() throws Exception {
        OciLayout.Blob blob = world.image.layers().get(2);
        try (ServiceProcess agent = agent("node-x2", "sa-stolen")) {
            assertThat(pull(world, agent, blob)).isEqualTo(blob.digest());
            String metrics = get(agent.url() + "/q/metrics");
            assertThat(counter(metrics, "rackswarm_agent_token_exchanges_total", "outcome",
                    "refused")).isGreaterThanOrEqualTo(1);
            assertThat(counter(metrics, "rackswarm_agent_token_exchanges_total", "outcome", "ok"))
                    .isZero();
            assertThat(counter(metrics, "rackswarm_agent_fetched_bytes_total", "source",
                    "seeder_http")).isEqualTo(blob.size());
            assertThat(agent.log()).contains("the API server did not accept the ServiceAccount "
                    + "token: token has expired");
        }
    }
}
