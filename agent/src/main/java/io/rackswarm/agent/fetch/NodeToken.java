package io.rackswarm.agent.fetch;

import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.core.token.AnnounceToken;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The token this node announces with: the configured one, or one minted from the announce
 * secret for the node's name. (A node token from the tracker's token exchange will replace the
 * secret on nodes.)
 */
@ApplicationScoped
public class NodeToken {

    private final String value;

    public NodeToken(AgentConfig config) {
        if (config.announceToken().isPresent()) {
            String t = config.announceToken().get();
            if (!t.startsWith(config.nodeName() + ".")) {
                throw new IllegalArgumentException("rackswarm.agent.announce-token is not a "
                        + "token for node " + config.nodeName());
            }
            value = t;
        } else if (config.announceSecret().isPresent()) {
            value = new AnnounceToken(List.of(config.announceSecret().get()))
                    .mint(config.nodeName());
        } else {
            throw new IllegalArgumentException("set rackswarm.agent.announce-token or "
                    + "rackswarm.agent.announce-secret: the tracker refuses announces without "
                    + "a token");
        }
    }

    public String value() {
        return value;
    }
}
