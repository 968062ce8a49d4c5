package io.rackswarm.agent.hostconfig;

import io.quarkus.runtime.StartupEvent;
import io.rackswarm.agent.config.AgentConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;

/** At start-up, points the node's container runtime at this agent, as configured. */
@ApplicationScoped
public class RuntimeMirrors {

    private static final Logger LOG = Logger.getLogger(RuntimeMirrors.class);

    private final AgentConfig.Runtime config;

    public RuntimeMirrors(AgentConfig config) {
        this.config = config.runtime();
    }

    void onStart(@Observes StartupEvent event) throws IOException {
        List<MirrorTarget> targets = config.registries().stream().map(MirrorTarget::parse)
                .toList();
        if (config.containerdCertsDir().isPresent()) {
            var written = MirrorConfigWriter.writeContainerd(
                    Path.of(config.containerdCertsDir().get()), targets, config.mirrorUrl());
            LOG.infof("containerd pulls through %s: wrote %s", config.mirrorUrl(), written);
        }
        if (config.crioRegistriesDir().isPresent()) {
            var written = MirrorConfigWriter.writeCrio(Path.of(config.crioRegistriesDir().get()),
                    targets, config.mirrorUrl());
            LOG.infof("CRI-O pulls through %s: wrote %s", config.mirrorUrl(), written);
        }
    }
}
