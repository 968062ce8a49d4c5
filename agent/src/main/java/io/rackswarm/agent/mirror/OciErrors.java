package io.rackswarm.agent.mirror;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OCI error bodies. The mirror answers 404 whenever it cannot serve content, whatever the cause,
 * because containerd tries its next host (in the end the upstream registry) only on a 404 or a
 * refused connection; any other error would fail the pull.
 */
final class OciErrors {

    private OciErrors() {
    }

    static void send(HttpServerResponse response, int status, String code, String message) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        String body = new JsonObject().put("errors", new JsonArray().add(new JsonObject()
                .put("code", code).put("message", message))).encode();
        response.setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(body);
    }
}
