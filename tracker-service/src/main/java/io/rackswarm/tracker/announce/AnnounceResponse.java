package io.rackswarm.tracker.announce;

import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.bencode.BList;
import io.rackswarm.core.bencode.BValue;
import io.rackswarm.core.handout.HandedPeer;
import io.rackswarm.core.torrent.PeerEndpoint;
import io.rackswarm.core.torrent.PeerId;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Encodes announce answers: BEP 3 dictionaries, BEP 23 and BEP 7 compact peers. */
public final class AnnounceResponse {

    private AnnounceResponse() {
    }

    public static byte[] failure(String reason) {
        return BDict.builder().put("failure reason", reason).build().encode();
    }

    public static byte[] success(Duration interval, Duration minInterval, long complete,
            long incomplete, long downloaded, List<HandedPeer> peers, boolean compact,
            boolean noPeerId, String warning) {
        BDict.Builder d = BDict.builder()
                .put("interval", interval.toSeconds())
                .put("min interval", minInterval.toSeconds())
                .put("complete", complete)
                .put("incomplete", incomplete)
                .put("downloaded", downloaded);
        if (warning != null) {
            d.put("warning message", warning);
        }
        if (compact) {
            ByteArrayOutputStream v4 = new ByteArrayOutputStream();
            ByteArrayOutputStream v6 = new ByteArrayOutputStream();
            for (HandedPeer p : peers) {
                PeerEndpoint e = p.peer().endpoint();
                (e.isIpv4() ? v4 : v6).writeBytes(e.compact());
            }
            d.put("peers", v4.toByteArray());
            if (v6.size() > 0) {
                d.put("peers6", v6.toByteArray());
            }
        } else {
            List<BValue> list = new ArrayList<>(peers.size());
            for (HandedPeer p : peers) {
                BDict.Builder peer = BDict.builder()
                        .put("ip", p.peer().endpoint().ip())
                        .put("port", p.peer().endpoint().port());
                if (!noPeerId) {
                    peer.put("peer id", PeerId.ofHex(p.peer().key()).bytes());
                }
                list.add(peer.build());
            }
            d.put("peers", new BList(list));
        }
        return d.build().encode();
    }
}
