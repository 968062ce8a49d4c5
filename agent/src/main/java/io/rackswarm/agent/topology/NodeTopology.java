package io.rackswarm.agent.topology;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quarkus.runtime.StartupEvent;
import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.agent.config.AgentConfig.Topology.Source;
import io.rackswarm.core.topology.Location;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Where this node sits: region, zone and rack from its Node's labels
 * ({@code topology.kubernetes.io/region}, {@code topology.kubernetes.io/zone} and the rack
 * label), followed by a watch so that relabelling a node needs no restart; or from
 * configuration when the agent runs outside Kubernetes.
 */
@ApplicationScoped
public class NodeTopology {

    static final String REGION = "topology.kubernetes.io/region";
    static final String ZONE = "topology.kubernetes.io/zone";
    private static final Logger LOG = Logger.getLogger(NodeTopology.class);

    private final AgentConfig config;
    private final Instance<KubernetesClient> kubernetes;
    private final List<Consumer<Location>> listeners = new CopyOnWriteArrayList<>();
    private volatile Location location = Location.UNKNOWN;
    private volatile String state = "not read yet";
    private Watch watch;

    public NodeTopology(AgentConfig config, Instance<KubernetesClient> kubernetes) {
        this.config = config;
        this.kubernetes = kubernetes;
        if (config.topology().source() == Source.CONFIG) {
            location = new Location(config.topology().region().orElse(""),
                    config.topology().zone().orElse(""), config.topology().rack().orElse(""));
            state = "from configuration";
        }
    }

    void onStart(@Observes StartupEvent event) {
        if (config.topology().source() == Source.KUBERNETES) {
            follow();
        }
    }

    /** Reads the Node once and watches it; a failure leaves the location unknown, logged. */
    synchronized void follow() {
        KubernetesClient client = kubernetes.get();
        try {
            Node node = client.nodes().withName(config.nodeName()).get();
            if (node == null) {
                state = "node " + config.nodeName() + " not found";
                LOG.warnf("node %s not found: announcing without topology", config.nodeName());
            } else {
                update(node);
            }
            watch = client.nodes().withName(config.nodeName()).watch(new Watcher<Node>() {
                @Override
                public void eventReceived(Action action, Node changed) {
                    if (action == Action.ADDED || action == Action.MODIFIED) {
                        update(changed);
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                    LOG.warnf("watch on node %s closed (%s): re-watching in 5 s",
                            config.nodeName(), cause.getMessage());
                    CompletableFuture.delayedExecutor(5, TimeUnit.SECONDS)
                            .execute(NodeTopology.this::follow);
                }
            });
        } catch (RuntimeException e) {
            state = "cannot read node " + config.nodeName() + ": " + e.getMessage();
            LOG.warnf("cannot read node %s, announcing without topology: %s",
                    config.nodeName(), e.getMessage());
        }
    }

    private void update(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of()
                : node.getMetadata().getLabels();
        Location now;
        try {
            now = new Location(labels.getOrDefault(REGION, ""), labels.getOrDefault(ZONE, ""),
                    labels.getOrDefault(config.topology().rackLabel(), ""));
        } catch (IllegalArgumentException e) {
            state = "node labels rejected: " + e.getMessage();
            LOG.warnf("node %s: %s", config.nodeName(), e.getMessage());
            return;
        }
        state = "from node " + config.nodeName();
        if (!now.equals(location)) {
            Location before = location;
            location = now;
            LOG.infof("node %s is at %s (was %s)", config.nodeName(), now, before);
            listeners.forEach(l -> l.accept(now));
        }
    }

    /** The node's location now. */
    public Location location() {
        return location;
    }

    /** Where the location came from, for the status API. */
    public String state() {
        return state;
    }

    /** Told of each new location. */
    public void onChange(Consumer<Location> listener) {
        listeners.add(listener);
    }

    @PreDestroy
    synchronized void stop() {
        if (watch != null) {
            watch.close();
        }
    }
}
