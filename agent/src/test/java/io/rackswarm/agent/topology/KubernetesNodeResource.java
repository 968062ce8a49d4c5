package io.rackswarm.agent.topology;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.rackswarm.testsupport.RedisServer;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * fabric8's mock API server in CRUD mode (no API server runs here) holding node-7 with
 * topology labels; the agent reads its Node from it.
 */
public class KubernetesNodeResource implements QuarkusTestResourceLifecycleManager {

    static KubernetesMockServer server;
    static KubernetesClient client;

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(),
                new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-7")
                .addToLabels("topology.kubernetes.io/region", "eu")
                .addToLabels("topology.kubernetes.io/zone", "eu-1a")
                .addToLabels("example.com/rack", "r1")
                .endMetadata().build()).create();
        try {
            Map<String, String> config = new HashMap<>();
            config.put("quarkus.kubernetes-client.api-server-url", client.getMasterUrl()
                    .toString());
            config.put("quarkus.kubernetes-client.trust-certs", "true");
            config.put("quarkus.kubernetes-client.namespace", "default");
            config.put("rackswarm.agent.cache-dir", Files.createTempDirectory("agent-k8s")
                    .toString());
            config.put("rackswarm.agent.seeder-url", "http://127.0.0.1:1");
            config.put("rackswarm.agent.node-name", "node-7");
            config.put("rackswarm.agent.node-secret", "k8s-test-secret-0123456789abcdef");
            config.put("rackswarm.agent.peer-port", Integer.toString(RedisServer.freePort()));
            config.put("rackswarm.agent.topology.source", "kubernetes");
            config.put("rackswarm.agent.topology.rack-label", "example.com/rack");
            return config;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
    }
}
