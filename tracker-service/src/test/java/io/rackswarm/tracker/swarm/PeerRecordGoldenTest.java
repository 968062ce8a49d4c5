package io.rackswarm.tracker.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.rackswarm.core.handout.PeerState;
import io.rackswarm.core.topology.Location;
import io.rackswarm.core.torrent.InfoHash;
import io.rackswarm.core.torrent.PeerEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both peer record codecs against the same golden records: the tracker's (PeerRecord) and the
 * announce script's (peer-record.lua, run in a real Redis exactly as the tracker loads it in
 * front of announce.lua). A change of layout on one side alone fails here.
 */
class PeerRecordGoldenTest {

    @RegisterExtension
    static final LocalRedis local = new LocalRedis();

    private static List<Golden> golden;

    /** One line of golden/peer-records.tsv. */
    record Golden(String record, String key, long joined, long progress, long left,
            long lastSeen, boolean origin, int port, String ip, Location location) {

        String rackPath() {
            return location.region() + "/" + location.zone() + "/" + location.rack();
        }
    }

    @BeforeAll
    static void readGolden() throws IOException {
        golden = new ArrayList<>();
        try (InputStream in = PeerRecordGoldenTest.class.getResourceAsStream(
                "/golden/peer-records.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                assertThat(f).as(line).hasSize(12);
                golden.add(new Golden(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]),
                        Long.parseLong(f[4]), Long.parseLong(f[5]), f[6].equals("1"),
                        Integer.parseInt(f[7]), f[8], new Location(f[9], f[10], f[11])));
            }
        }
        assertThat(golden).hasSizeGreaterThanOrEqualTo(6);
    }

    @Test
    void javaCodec_readsEveryGoldenRecord_andWritesItsTail() {
        for (Golden g : golden) {
            PeerState p = PeerRecord.parse(g.record().getBytes(StandardCharsets.US_ASCII));
            assertThat(p.key()).as(g.record()).isEqualTo(g.key());
            assertThat(p.joinedAtMillis()).as(g.record()).isEqualTo(g.joined());
            assertThat(p.progressAtMillis()).as(g.record()).isEqualTo(g.progress());
            assertThat(p.left()).as(g.record()).isEqualTo(g.left());
            assertThat(p.lastSeenAtMillis()).as(g.record()).isEqualTo(g.lastSeen());
            assertThat(p.origin()).as(g.record()).isEqualTo(g.origin());
            assertThat(p.endpoint()).as(g.record()).isEqualTo(PeerEndpoint.of(g.ip(), g.port()));
            assertThat(p.location()).as(g.record()).isEqualTo(g.location());
            // What the tracker hands the script is the record's tail, as the script stores it.
            assertThat(g.record()).endsWith("," + (g.origin() ? "1" : "0") + ","
                    + PeerRecord.tail(p.endpoint(), p.location()));
            // The rack path the script names keys with is the tracker's.
            assertThat(new SwarmKeys("rs:", InfoHash.ofHex("0".repeat(40)))
                    .rack(g.location())).endsWith(":" + g.rackPath());
        }
    }

    /**
     * Runs the Lua codec over every golden record: each line of the answer is one record's
     * key, joined, progress, left (as Lua's number), whether it was seen before its lastSeen,
     * before lastSeen + 1, whether it is an origin (by record and by place), its rack path, and
     * the record the codec writes from the golden fields.
     */
    private static final String DRIVER = """
            local out = {}
            for i = 1, #ARGV, 8 do
              local rec, key, joined, progress, left, seen, origin, tail = unpack(ARGV, i, i + 7)
              local j, p, l, place = recordFields(rec)
              local later = string.format('%.0f', tonumber(seen) + 1)
              out[#out + 1] = table.concat({recordKey(rec), j, p, string.format('%.17g', l),
                tostring(recordSeenBefore(rec, seen)), tostring(recordSeenBefore(rec, later)),
                tostring(recordIsOrigin(rec)), tostring(placeIsOrigin(place)), placeRackPath(place),
                recordOf(key, joined, progress, left, seen, origin .. ',' .. tail)}, '|')
            end
            return table.concat(out, '\\n')
            """;

    @Test
    void luaCodec_readsAndWritesEveryGoldenRecord() throws IOException {
        List<String> args = new ArrayList<>(List.of("EVAL",
                LuaScript.text(PeerRecord.LUA_CODEC) + DRIVER, "0"));
        for (Golden g : golden) {
            args.addAll(List.of(g.record(), g.key(), Long.toString(g.joined()),
                    Long.toString(g.progress()), Long.toString(g.left()),
                    Long.toString(g.lastSeen()), g.origin() ? "1" : "0",
                    PeerRecord.tail(PeerEndpoint.of(g.ip(), g.port()), g.location())));
        }
        String[] lines = local.server().command(args.toArray(String[]::new)).split("\n", -1);
        assertThat(lines).hasSameSizeAs(golden);
        for (int i = 0; i < lines.length; i++) {
            Golden g = golden.get(i);
            String[] f = lines[i].split("\\|", -1);
            assertThat(f[0]).as(g.record()).isEqualTo(g.key());
            assertThat(f[1]).as(g.record()).isEqualTo(Long.toString(g.joined()));
            assertThat(f[2]).as(g.record()).isEqualTo(Long.toString(g.progress()));
            // Lua's numbers are doubles: left compares as the nearest one.
            assertThat(Double.parseDouble(f[3])).as(g.record()).isEqualTo((double) g.left());
            assertThat(f[4]).as("seen before its own lastSeen: " + g.record()).isEqualTo("false");
            assertThat(f[5]).as("seen before lastSeen + 1: " + g.record()).isEqualTo("true");
            assertThat(f[6]).as(g.record()).isEqualTo(Boolean.toString(g.origin()));
            assertThat(f[7]).as(g.record()).isEqualTo(Boolean.toString(g.origin()));
            assertThat(f[8]).as(g.record()).isEqualTo(g.rackPath());
            assertThat(f[9]).as("written from the golden fields").isEqualTo(g.record());
        }
    }
}
