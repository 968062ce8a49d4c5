package io.rackswarm.tracker.testing;

import io.rackswarm.core.bencode.BDict;
import io.rackswarm.core.bencode.BInteger;
import io.rackswarm.core.bencode.BList;
import io.rackswarm.core.bencode.BString;
import io.rackswarm.core.bencode.BValue;
import io.rackswarm.core.bencode.Bencode;
import io.rackswarm.core.token.AnnounceToken;
import io.rackswarm.core.torrent.InfoHash;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Speaks to the tracker the way a BitTorrent client does: binary parameters percent-encoded by
 * hand, over a plain socket whose local address the test chooses, and bencoded answers.
 */
public final class TrackerClient {

    private static final AnnounceToken ORIGINS =
            new AnnounceToken(List.of(RedisServerResource.ORIGIN_SECRET));
    private static final AnnounceToken NODES =
            new AnnounceToken(List.of(RedisServerResource.NODE_SECRET));

    private final String host;
    private final int port;

    public TrackerClient(URL base) {
        this.host = "localhost".equals(base.getHost()) ? "127.0.0.1" : base.getHost();
        this.port = base.getPort();
    }

    /** A token as a seeder ({@code origin/…}) or an agent outside Kubernetes signs it. */
    public static String token(String identity) {
        return (identity.startsWith("origin/") ? ORIGINS : NODES).mint(identity);
    }

    public static InfoHash randomInfoHash() {
        byte[] b = new byte[20];
        new java.security.SecureRandom().nextBytes(b);
        return InfoHash.of(b);
    }

    public static String encode(byte[] raw) {
        StringBuilder sb = new StringBuilder();
        for (byte b : raw) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", (int) c));
            }
        }
        return sb.toString();
    }

    public static byte[] peerId(int n) {
        return ByteBuffer.allocate(20).put("-RS0001-".getBytes(StandardCharsets.US_ASCII))
                .putInt(12, n).array();
    }

    /** A fluent announce; every BEP 3 parameter is set to a valid value until changed. */
    public Announce announce(InfoHash infoHash, int peer) {
        return new Announce(infoHash, peer);
    }

    public final class Announce {
        private final Map<String, String> params = new LinkedHashMap<>();
        private InetAddress from = InetAddress.getLoopbackAddress();

        Announce(InfoHash infoHash, int peer) {
            params.put("info_hash", encode(infoHash.bytes()));
            params.put("peer_id", encode(peerId(peer)));
            params.put("port", Integer.toString(20000 + peer));
            params.put("uploaded", "0");
            params.put("downloaded", "0");
            params.put("left", "1000");
            params.put("compact", "1");
            params.put("token", token("node-" + peer));
        }

        public Announce set(String name, String rawValue) {
            params.put(name, rawValue);
            return this;
        }

        public Announce remove(String name) {
            params.remove(name);
            return this;
        }

        public Announce at(String region, String zone, String rack) {
            return set("region", region).set("zone", zone).set("rack", rack);
        }

        public Announce from(String localAddress) {
            try {
                this.from = InetAddress.getByName(localAddress);
            } catch (IOException e) {
                throw new IllegalArgumentException(e);
            }
            return this;
        }

        public String query() {
            StringBuilder sb = new StringBuilder();
            params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&").append(k).append('=')
                    .append(v));
            return sb.toString();
        }

        public BDict send() {
            return get("/announce?" + query(), from);
        }
    }

    public BDict scrape(InfoHash... hashes) {
        StringBuilder q = new StringBuilder();
        for (InfoHash h : hashes) {
            q.append(q.length() == 0 ? "" : "&").append("info_hash=").append(encode(h.bytes()));
        }
        return get("/scrape?" + q, InetAddress.getLoopbackAddress());
    }

    /** A raw GET; asserts HTTP 200 as trackers always answer, and decodes the bencoded body. */
    public BDict get(String pathAndQuery, InetAddress from) {
        byte[] body = rawGet(pathAndQuery, from);
        return (BDict) Bencode.decode(body);
    }

    public byte[] rawGet(String pathAndQuery, InetAddress from) {
        try (Socket s = new Socket(InetAddress.getByName(host), port, from, 0)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] all = readAll(s.getInputStream());
            int split = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String head = new String(all, 0, split, StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new AssertionError("expected HTTP 200, got: " + head);
            }
            byte[] body = Arrays.copyOfRange(all, split + 4, all.length);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            return body;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("no end of headers");
    }

    private static byte[] dechunk(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (true) {
            int eol = pos;
            while (body[eol] != '\r') {
                eol++;
            }
            int len = Integer.parseInt(new String(body, pos, eol - pos,
                    StandardCharsets.ISO_8859_1).trim(), 16);
            if (len == 0) {
                return out.toByteArray();
            }
            out.write(body, eol + 2, len);
            pos = eol + 2 + len + 2;
        }
    }

    // --- reading answers ---

    public static String failure(BDict d) {
        return d.get("failure reason").map(v -> ((BString) v).utf8()).orElse(null);
    }

    public static long integer(BDict d, String key) {
        return ((BInteger) d.get(key).orElseThrow(
                () -> new AssertionError("no " + key + " in " + d))).value();
    }

    /** Ports of the compact IPv4 peers, which identify test peers (port = 20000 + n). */
    public static List<Integer> compactPorts(BDict d) {
        byte[] peers = ((BString) d.get("peers").orElseThrow()).bytes();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i + 6 <= peers.length; i += 6) {
            ports.add(((peers[i + 4] & 0xff) << 8) | (peers[i + 5] & 0xff));
        }
        return ports;
    }

    public static List<String> compactAddresses(BDict d, String key, int width) {
        byte[] peers = d.get(key).map(v -> ((BString) v).bytes()).orElse(new byte[0]);
        List<String> out = new ArrayList<>();
        for (int i = 0; i + width <= peers.length; i += width) {
            try {
                out.add(InetAddress.getByAddress(Arrays.copyOfRange(peers, i, i + width - 2))
                        .getHostAddress() + ":"
                        + (((peers[i + width - 2] & 0xff) << 8) | (peers[i + width - 1] & 0xff)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    public static List<BDict> dictPeers(BDict d) {
        List<BDict> out = new ArrayList<>();
        for (BValue v : ((BList) d.get("peers").orElseThrow()).values()) {
            out.add((BDict) v);
        }
        return out;
    }
}
