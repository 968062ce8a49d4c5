package io.rackswarm.tracker.swarm;

import io.rackswarm.core.handout.PeerState;
import io.rackswarm.core.torrent.InfoHash;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * The announce script's reply, decoded in one place. The script answers {@code {-1}} for an
 * info-hash that is not registered, else {@code {1, size, downloaded, self, seniors, rack top}}:
 * self is the peer's record, or false after a {@code stopped}; seniors is false for a peer that
 * is no representative candidate, 1 when the read beside the script holds them, else their
 * records; rack top is false or the records of the rack's candidates (see {@code announce.lua}).
 *
 * @param self the peer as stored, or null when it stopped
 * @param seniors where the representatives' view is
 * @param seniorRecords the records of that view when the reply holds them, else null
 * @param rackTop the records of the rack's candidates, or null when the rack's read holds them
 */
record AnnounceReply(long size, long downloaded, PeerState self, Seniors seniors,
        Response seniorRecords, Response rackTop) {

    /** Where the records of other racks' candidates and of the origins are. */
    enum Seniors {
        /** Nowhere: the peer is no candidate, or it stopped. */
        NONE,
        /** In the plain read of "seniors" sent beside the script. */
        BESIDE,
        /** In the script's reply. */
        IN_REPLY
    }

    /**
     * @throws UnregisteredTorrentException when the script found no registration
     * @throws IllegalStateException when a record in it is corrupt
     */
    static AnnounceReply decode(Response reply, InfoHash infoHash) {
        if (reply.get(0).toLong() < 0) {
            throw new UnregisteredTorrentException(infoHash);
        }
        Response self = reply.get(3);
        Response seniors = reply.get(4);
        Seniors where = seniors == null ? Seniors.NONE
                : seniors.type() == ResponseType.NUMBER ? Seniors.BESIDE : Seniors.IN_REPLY;
        return new AnnounceReply(reply.get(1).toLong(), reply.get(2).toLong(),
                self == null ? null : PeerRecord.parse(self.toBytes()), where,
                where == Seniors.IN_REPLY ? seniors : null, reply.get(5));
    }

    /** Whether the peer is one of its rack's representative candidates (or an origin). */
    boolean candidate() {
        return seniors != Seniors.NONE;
    }
}
