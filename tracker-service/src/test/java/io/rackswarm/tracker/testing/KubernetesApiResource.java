package io.rackswarm.tracker.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * fabric8's mock API server with expectations (no API server runs here) answering TokenReviews
 * as a real one does for the agents' projected ServiceAccount tokens, by token:
 * <ul>
 *   <li>{@code agent-a}: pod rackswarm/agent-a (uid-a) of the allowed ServiceAccount, on node-a;
 *   <li>{@code agent-b-130}: a Kubernetes 1.30 answer that names node-b itself;
 *   <li>{@code agent-stale}: pod agent-old whose uid is no longer the token's (recreated);
 *   <li>{@code other-sa}: a pod of another ServiceAccount;
 *   <li>{@code wrong-audience}: valid, but for the API server's audience;
 *   <li>{@code slow}: the API server answers after 8 s;
 *   <li>{@code forbidden}: the tracker may not create TokenReviews (RBAC);
 *   <li>anything else: not authenticated.
 * </ul>
 */
public class KubernetesApiResource extends RedisServerResource {

    public static final String AGENT_SA = "system:serviceaccount:rackswarm:rackswarm-agent";
    private static final ObjectMapper JSON = new ObjectMapper();

    private KubernetesMockServer api;

    @Override
    public Map<String, String> start() {
        api = new KubernetesMockServer(false);
        api.init();
        api.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReply(new Reviews()).always();
        api.expect().get().withPath("/api/v1/namespaces/rackswarm/pods/agent-a")
                .andReturn(200, pod("agent-a", "uid-a", "node-a")).always();
        api.expect().get().withPath("/api/v1/namespaces/rackswarm/pods/agent-old")
                .andReturn(200, pod("agent-old", "uid-recreated", "node-c")).always();
        Map<String, String> config = new HashMap<>(super.start());
        config.put("quarkus.kubernetes-client.api-server-url", "http://" + api.getHostName()
                + ":" + api.getPort());
        config.put("quarkus.kubernetes-client.request-timeout", "2s");
        config.put("rackswarm.tracker.token-exchange.enabled", "true");
        config.put("rackswarm.tracker.token-exchange.service-accounts",
                "rackswarm/rackswarm-agent");
        config.put("rackswarm.tracker.token-exchange.token-ttl", "10m");
        return config;
    }

    private static io.fabric8.kubernetes.api.model.Pod pod(String name, String uid, String node) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("rackswarm")
                .withUid(uid).endMetadata().withNewSpec().withNodeName(node).endSpec().build();
    }

    /** Answers each TokenReview by its token; the status code alone is cheap to tell. */
    private static final class Reviews implements ResponseProvider<Object> {
        private Headers headers = Headers.builder().build();
        /** A request's body can be read once; both calls need it. */
        private final Map<RecordedRequest, JsonNode> specs =
                java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

        private JsonNode specOf(RecordedRequest request) {
            return specs.computeIfAbsent(request, KubernetesApiResource::spec);
        }

        @Override
        public int getStatusCode(RecordedRequest request) {
            return "forbidden".equals(specOf(request).path("token").asText()) ? 403 : 201;
        }

        @Override
        public Object getBody(RecordedRequest request) {
            return answer(specOf(request));
        }

        @Override
        public Headers getHeaders() {
            return headers;
        }

        @Override
        public void setHeaders(Headers headers) {
            this.headers = headers;
        }
    }

    private static JsonNode spec(RecordedRequest request) {
        try {
            return JSON.readTree(request.getUtf8Body()).path("spec");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a TokenReview: " + request.getUtf8Body(), e);
        }
    }

    private static Object answer(JsonNode spec) {
        String token = spec.path("token").asText();
        List<String> audiences = List.of(spec.path("audiences").path(0).asText());
        switch (token) {
            case "agent-a":
                return (authenticated(AGENT_SA, audiences, Map.of(
                        "authentication.kubernetes.io/pod-name", List.of("agent-a"),
                        "authentication.kubernetes.io/pod-uid", List.of("uid-a"))));
            case "agent-b-130":
                return (authenticated(AGENT_SA, audiences, Map.of(
                        "authentication.kubernetes.io/pod-name", List.of("agent-b"),
                        "authentication.kubernetes.io/pod-uid", List.of("uid-b"),
                        "authentication.kubernetes.io/node-name", List.of("node-b"))));
            case "agent-stale":
                return (authenticated(AGENT_SA, audiences, Map.of(
                        "authentication.kubernetes.io/pod-name", List.of("agent-old"),
                        "authentication.kubernetes.io/pod-uid", List.of("uid-old"))));
            case "other-sa":
                return (authenticated("system:serviceaccount:default:builder", audiences,
                        Map.of("authentication.kubernetes.io/pod-name", List.of("builder"),
                                "authentication.kubernetes.io/pod-uid", List.of("uid-x"))));
            case "wrong-audience":
                return (authenticated(AGENT_SA, List.of("https://kubernetes.default.svc"),
                        Map.of()));
            case "slow":
                try {
                    Thread.sleep(8_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return (authenticated(AGENT_SA, audiences, Map.of()));
            case "forbidden":
                return new StatusBuilder().withCode(403)
                        .withReason("Forbidden").withMessage("tokenreviews.authentication.k8s.io "
                                + "is forbidden").build();
            default:
                return (new TokenReviewBuilder().withNewStatus().withAuthenticated(false)
                        .withError("invalid bearer token").endStatus().build());
        }
    }

    private static TokenReview authenticated(String user, List<String> audiences,
            Map<String, List<String>> extra) {
        return new TokenReviewBuilder().withNewStatus().withAuthenticated(true)
                .withAudiences(audiences).withNewUser().withUsername(user).withExtra(extra)
                .endUser().endStatus().build();
    }

    @Override
    public void stop() {
        if (api != null) {
            api.destroy();
        }
        super.stop();
    }
}
