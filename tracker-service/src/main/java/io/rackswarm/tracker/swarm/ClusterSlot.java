package io.rackswarm.tracker.swarm;

import java.nio.charset.StandardCharsets;

/**
 * The Redis Cluster hash slot of a key: CRC16 (XMODEM) of its hash tag, the text between the
 * first "{" and the next "}" when that is not empty, else of the whole key, modulo 16384. A
 * swarm's keys share the tag of its info-hash, so one announce's commands share a slot.
 */
final class ClusterSlot {

    static final int SLOTS = 16384;

    private ClusterSlot() {
    }

    static int of(String key) {
        byte[] b = key.getBytes(StandardCharsets.UTF_8);
        int from = 0;
        int to = b.length;
        int open = indexOf(b, (byte) '{', 0);
        if (open >= 0) {
            int close = indexOf(b, (byte) '}', open + 1);
            if (close > open + 1) {
                from = open + 1;
                to = close;
            }
        }
        return crc16(b, from, to) & (SLOTS - 1);
    }

    private static int indexOf(byte[] b, byte wanted, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** CRC-16/XMODEM: polynomial 0x1021, initial value 0, no reflection. */
    private static int crc16(byte[] b, int from, int to) {
        int crc = 0;
        for (int i = from; i < to; i++) {
            crc ^= (b[i] & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }
        return crc & 0xffff;
    }
}
