package io.rackswarm.tracker.testing;

import static io.restassured.RestAssured.given;

import io.rackswarm.core.torrent.InfoHash;
import io.restassured.http.ContentType;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Registers torrents through the admin API, as a seeder does. */
public final class Registrations {

    private Registrations() {
    }

    public static String admin() {
        return "Bearer " + RedisServerResource.ADMIN_TOKEN;
    }

    /** A digest derived from the info-hash, so that each test torrent has its own. */
    public static String digestFor(InfoHash infoHash) {
        try {
            return "sha256:" + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(infoHash.bytes()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static InfoHash registered(long size) {
        InfoHash ih = TrackerClient.randomInfoHash();
        register(ih, digestFor(ih), size);
        return ih;
    }

    public static void register(InfoHash ih, String digest, long size) {
        given().header("Authorization", admin()).contentType(ContentType.JSON)
                .body("{\"digest\":\"" + digest + "\",\"size\":" + size + "}")
                .put("/api/v1/torrents/" + ih.hex())
                .then().statusCode(201);
    }
}
