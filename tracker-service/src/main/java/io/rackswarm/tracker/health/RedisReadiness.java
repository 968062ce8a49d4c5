package io.rackswarm.tracker.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while Redis answers a PING within a second. A Redis that stopped answering (not only
 * one that refuses connections) makes the tracker unready at once, so that Kubernetes stops
 * sending it announces it could only fail.
 */
@Readiness
@ApplicationScoped
public class RedisReadiness implements AsyncHealthCheck {

    static final Duration DEADLINE = Duration.ofSeconds(1);

    private final Redis redis;

    public RedisReadiness(Redis redis) {
        this.redis = redis;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().completionStage(() -> redis.send(Request.cmd(Command.PING))
                        .toCompletionStage())
                .ifNoItem().after(DEADLINE).fail()
                .map(pong -> HealthCheckResponse.up("redis"))
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named("redis").down()
                        .withData("error", e.getClass().getSimpleName() + ": "
                                + e.getMessage()).build());
    }
}
