package io.rackswarm.tracker.auth;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rackswarm.tracker.config.TrackerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which node a projected ServiceAccount token speaks for: the API server checks the token
 * (TokenReview, with our audience), the token names its pod, and the pod names its node. Only
 * ServiceAccounts on the allow-list qualify. Each API call is bounded by the Kubernetes client's
 * request timeout ({@code quarkus.kubernetes-client.request-timeout}).
 */
@ApplicationScoped
public class ServiceAccountReview {

    static final String POD_NAME = "authentication.kubernetes.io/pod-name";
    static final String POD_UID = "authentication.kubernetes.io/pod-uid";
    /** Set by Kubernetes 1.30 and later; saves the pod lookup. */
    static final String NODE_NAME = "authentication.kubernetes.io/node-name";
    private static final String SA_PREFIX = "system:serviceaccount:";

    /** Why a token speaks for no node; {@code status} is the HTTP status to answer. */
    public static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        Refused(int status, String message, Throwable cause) {
            super(message, cause, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Instance<KubernetesClient> client;
    private final String audience;
    private final Set<String> allowed;

    public ServiceAccountReview(Instance<KubernetesClient> client, TrackerConfig config) {
        this.client = client;
        this.audience = config.tokenExchange().audience();
        this.allowed = config.tokenExchange().serviceAccounts().map(Set::copyOf).orElse(Set.of());
        if (config.tokenExchange().enabled() && allowed.isEmpty()) {
            throw new IllegalArgumentException("rackswarm.tracker.token-exchange.service-accounts "
                    + "must name the agents' ServiceAccount (namespace/name) when the token "
                    + "exchange is enabled");
        }
        for (String sa : allowed) {
            if (!sa.matches("[a-z0-9.-]+/[a-z0-9.-]+")) {
                throw new IllegalArgumentException("token-exchange.service-accounts entries are "
                        + "namespace/name: " + sa);
            }
        }
    }

    /** The node the token's pod runs on, or {@link Refused}. */
    public String nodeOf(String serviceAccountToken) {
        KubernetesClient k8s = client.get();
        TokenReview review;
        try {
            review = k8s.tokenReviews().create(new TokenReviewBuilder().withNewSpec()
                    .withToken(serviceAccountToken).withAudiences(audience).endSpec().build());
        } catch (KubernetesClientException e) {
            throw unavailable("TokenReview", e);
        }
        if (review == null || review.getStatus() == null
                || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
            String why = review == null || review.getStatus() == null ? null
                    : review.getStatus().getError();
            throw new Refused(401, "the API server did not accept the ServiceAccount token"
                    + (why == null || why.isBlank() ? "" : ": " + why));
        }
        List<String> audiences = review.getStatus().getAudiences();
        if (audiences != null && !audiences.isEmpty() && !audiences.contains(audience)) {
            throw new Refused(401, "the ServiceAccount token is not for audience " + audience);
        }
        UserInfo user = review.getStatus().getUser();
        String username = user == null ? null : user.getUsername();
        if (username == null || !username.startsWith(SA_PREFIX)) {
            throw new Refused(403, "not a ServiceAccount: " + username);
        }
        String[] nsName = username.substring(SA_PREFIX.length()).split(":", 2);
        if (nsName.length != 2 || !allowed.contains(nsName[0] + "/" + nsName[1])) {
            throw new Refused(403, "ServiceAccount " + String.join("/", nsName)
                    + " may not get node tokens");
        }
        Map<String, List<String>> extra = user.getExtra() == null ? Map.of() : user.getExtra();
        String node = single(extra, NODE_NAME);
        if (node != null) {
            return node;
        }
        String podName = single(extra, POD_NAME);
        String podUid = single(extra, POD_UID);
        if (podName == null || podUid == null) {
            throw new Refused(403, "the token is not bound to a pod: mount a projected "
                    + "ServiceAccount token (serviceAccountToken with audience " + audience + ")");
        }
        Pod pod;
        try {
            pod = k8s.pods().inNamespace(nsName[0]).withName(podName).get();
        } catch (KubernetesClientException e) {
            throw unavailable("reading pod " + nsName[0] + "/" + podName, e);
        }
        if (pod == null || !podUid.equals(pod.getMetadata().getUid())) {
            throw new Refused(403, "pod " + nsName[0] + "/" + podName
                    + " that the token is bound to no longer exists");
        }
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (nodeName == null || nodeName.isEmpty()) {
            throw new Refused(403, "pod " + nsName[0] + "/" + podName + " is on no node");
        }
        return nodeName;
    }

    private static String single(Map<String, List<String>> extra, String key) {
        List<String> values = extra.get(key);
        return values == null || values.size() != 1 ? null : values.get(0);
    }

    private static Refused unavailable(String what, KubernetesClientException e) {
        if (e.getCode() == 403) {
            return new Refused(503, what + " was forbidden to the tracker's ServiceAccount "
                    + "(RBAC: create tokenreviews, get pods)", e);
        }
        String cause = e.getCause() == null ? e.getMessage()
                : e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
        return new Refused(503, what + " failed: the Kubernetes API did not answer ("
                + cause + ")", e);
    }
}
