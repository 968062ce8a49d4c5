package io.rackswarm.agent.topology;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.core.topology.Location;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code rackswarm_agent_node_info{node, region, zone, rack} 1}: where this agent's node sits,
 * as an info series that dashboards join on ({@code * on (instance) group_left (rack)}) to add
 * up any agent metric by rack or zone. Relabelling the node moves the series.
 */
@ApplicationScoped
public class NodeInfoMetric {

    private static final String NAME = "rackswarm.agent.node.info";

    private final MeterRegistry registry;
    private final NodeTopology topology;
    private final String node;
    private Gauge current;

    public NodeInfoMetric(MeterRegistry registry, NodeTopology topology, AgentConfig config) {
        this.registry = registry;
        this.topology = topology;
        this.node = config.nodeName();
    }

    void onStart(@Observes StartupEvent event) {
        show(topology.location());
        topology.onChange(this::show);
    }

    private synchronized void show(Location at) {
        if (current != null) {
            registry.remove(current);
        }
        current = Gauge.builder(NAME, () -> 1).description("where this agent's node sits")
                .tag("node", node).tag("region", at.region()).tag("zone", at.zone())
                .tag("rack", at.rack()).register(registry);
    }
}
