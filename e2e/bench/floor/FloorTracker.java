import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor of the tracker's design, for e2e/bench/tracker-announce.sh: the same Vert.x HTTP
 * server and Redis client on as many event loops, answering every announce with a fixed bencoded
 * body. It is no tracker: it parses nothing but the info-hash and peer id, and chooses no peers.
 *
 * <pre>
 *   java FloorTracker http PORT                     HTTP only
 *   java FloorTracker script PORT REDIS_PORT SCRIPT  one EVALSHA per announce: SCRIPT with the
 *                                                    keys and arguments the tracker sends
 * </pre>
 */
public final class FloorTracker extends AbstractVerticle {

    private static final byte[] BODY = ("d8:completei25e10:incompletei75e8:intervali1800e"
            + "12:min intervali60e5:peers300:" + "x".repeat(300) + "e")
            .getBytes(StandardCharsets.US_ASCII);

    private static String mode;
    private static int port;
    private static int redisPort;
    private static String sha;

    private RedisConnection redis;

    public static void main(String[] args) throws Exception {
        mode = args[0];
        port = Integer.parseInt(args[1]);
        if (mode.equals("script")) {
            redisPort = Integer.parseInt(args[2]);
            sha = load(Files.readString(Path.of(args[3])));
        }
        int loops = Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        vertx.deployVerticle(FloorTracker::new, new DeploymentOptions().setInstances(loops))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ar.cause().printStackTrace();
                        System.exit(1);
                    }
                    System.out.println("floor (" + mode + ") listening on " + port);
                });
    }

    /** Loads the script into Redis once and returns its SHA-1. */
    private static String load(String script) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Redis client = Redis.createClient(vertx, options());
            return client.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script))
                    .toCompletionStage().toCompletableFuture().get().toString();
        } finally {
            vertx.close();
        }
    }

    private static RedisOptions options() {
        return new RedisOptions().setConnectionString("redis://127.0.0.1:" + redisPort);
    }

    @Override
    public void start(Promise<Void> started) {
        if (mode.equals("script")) {
            Redis.createClient(vertx, options()).connect().onSuccess(c -> {
                redis = c;
                listen(started);
            }).onFailure(started::fail);
        } else {
            listen(started);
        }
    }

    private void listen(Promise<Void> started) {
        vertx.createHttpServer().requestHandler(this::announce).listen(port, "127.0.0.1")
                .onComplete(ar -> started.handle(ar.mapEmpty()));
    }

    private void announce(HttpServerRequest req) {
        if (redis == null) {
            answer(req);
            return;
        }
        String q = req.query();
        String ih = param(q, "info_hash");
        String peer = param(q, "peer_id");
        String k = "floor:{" + ih + "}:";
        Request r = Request.cmd(Command.EVALSHA).arg(sha).arg(7);
        for (String key : new String[] {"torrent", "peers", "seeds", "seniors", "racks",
                "rack:eu/z1/r1:records", "rack:eu/z1/r1"}) {
            r.arg(k + key);
        }
        for (String arg : new String[] {Long.toString(System.currentTimeMillis()), "none", peer,
                "1048576", "0", "10001,127.0.0.1,eu,z1,r1", "51"}) {
            r.arg(arg);
        }
        redis.send(r).onComplete(ar -> {
            if (ar.failed()) {
                req.response().setStatusCode(500).end(ar.cause().getMessage());
            } else {
                answer(req);
            }
        });
    }

    private static void answer(HttpServerRequest req) {
        req.response().putHeader("Content-Type", "text/plain").end(Buffer.buffer(BODY));
    }

    private static String param(String query, String name) {
        int at = query.indexOf(name + "=");
        if (at < 0) {
            return "";
        }
        int from = at + name.length() + 1;
        int to = query.indexOf('&', from);
        return query.substring(from, to < 0 ? query.length() : to);
    }
}
