package io.rackswarm.tracker.swarm;

import io.rackswarm.core.handout.SwarmView;

/**
 * What the store answered to an announce.
 *
 * @param view input of the handout policy; null after a {@code stopped} event
 * @param seeds peers with nothing left to download (origins included)
 * @param leechers peers still downloading
 * @param downloaded completed events ever seen
 */
public record SwarmSnapshot(SwarmView view, long seeds, long leechers, long downloaded) {
}
