package io.rackswarm.core.handout;

import java.time.Duration;

/**
 * Tunables of the handout policies.
 *
 * @param representatives how many peers per rack, zone and region carry traffic across its
 *     boundary (the Hyves tracker used 2)
 * @param staleAfter a peer that has not announced for this long is never a representative
 * @param stallAfter a downloading peer whose {@code left} has not gone down for this long is
 *     replaced as representative when a healthier peer can take its place
 */
public record HandoutSettings(int representatives, Duration staleAfter, Duration stallAfter) {

    public static final HandoutSettings DEFAULT =
            new HandoutSettings(2, Duration.ofSeconds(25), Duration.ofSeconds(60));

    public HandoutSettings {
        if (representatives < 1 || representatives > 64) {
            throw new IllegalArgumentException("representatives must be 1..64: " + representatives);
        }
        if (staleAfter.isNegative() || staleAfter.isZero()
                || stallAfter.isNegative() || stallAfter.isZero()) {
            throw new IllegalArgumentException("staleAfter and stallAfter must be positive");
        }
    }
}
