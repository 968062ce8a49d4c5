package io.rackswarm.core.handout;

import java.util.List;

/**
 * The policy's answer to one announce.
 *
 * @param starving true when the announcing peer still needs data and nothing handed out holds
 *     any: the tracker then asks it to come back soon instead of after the normal interval
 */
public record Handout(Role role, List<HandedPeer> peers, boolean starving) {

    public Handout {
        peers = List.copyOf(peers);
    }
}
