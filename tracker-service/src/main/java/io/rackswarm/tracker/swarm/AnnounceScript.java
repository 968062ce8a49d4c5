package io.rackswarm.tracker.swarm;

import io.rackswarm.tracker.config.TrackerConfig;

/**
 * {@code announce.lua} with the tracker's settings (as Lua constants) and the peer record codec
 * ({@code peer-record.lua}) in front of it, run as a Redis Function. Settings sent as arguments
 * would cost Redis a Lua string each on every announce; written into the code they cost
 * nothing there. Replicas with the same settings load
 * the same library (its name is a digest of the code); a replica with other settings loads its
 * own.
 */
final class AnnounceScript {

    /** Origins (seeder replicas) a representative may be told about, beyond the racks. */
    static final int MAX_ORIGINS_READ = 64;

    private AnnounceScript() {
    }

    static RedisFunction of(TrackerConfig config, boolean random) {
        long ttl = config.effectivePeerTtl().toMillis();
        return of(new Settings(ttl, 2 * ttl / 1000 + 60, ttl / 3, config.representatives() + 1,
                config.rackLimit() * (config.representatives() + 1) + MAX_ORIGINS_READ, random));
    }

    static RedisFunction of(Settings s) {
        return RedisFunction.of(s.prologue() + LuaScript.text(PeerRecord.LUA_CODEC)
                + LuaScript.text("/redis/announce.lua"), "announce");
    }

    /**
     * @param peerTtlMillis a peer not seen for this long is purged
     * @param keyTtlSeconds expiry of every swarm key, refreshed by maintenance
     * @param maintainEveryMillis how often an announce also purges its swarm
     * @param candidates representative candidates per rack (representatives + 1)
     * @param mostSeniors records read from "seniors" at most
     * @param random the random policy: no representatives
     */
    record Settings(long peerTtlMillis, long keyTtlSeconds, long maintainEveryMillis,
            int candidates, int mostSeniors, boolean random) {

        String prologue() {
            return "local PEER_TTL, KEY_TTL, MAINTAIN_EVERY, CANDIDATES, LAST_CANDIDATE, MOST_SENIORS,"
                    + " RANDOM = " + peerTtlMillis + ", '" + keyTtlSeconds + "', "
                    + maintainEveryMillis + ", " + candidates + ", '" + (candidates - 1) + "', "
                    + mostSeniors + ", " + random + "\n";
        }
    }
}
