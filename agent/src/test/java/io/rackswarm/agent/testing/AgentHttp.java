package io.rackswarm.agent.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.rackswarm.testsupport.OciLayout;
import io.rackswarm.testsupport.ServiceProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the process tests ask an agent over HTTP: blobs, pages, counters. */
public final class AgentHttp {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private AgentHttp() {
    }

    /** GETs a blob of the world's image through the agent; returns the digest of what arrived. */
    public static String pull(AgentWorld world, ServiceProcess agent, OciLayout.Blob blob)
            throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(agent.url()
                        + "/v2/team/app/blobs/" + blob.digest() + "?ns=" + world.ns())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        return "sha256:" + OciLayout.sha256(r.body());
    }

    public static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A counter's value in a Prometheus page, with at most one label; 0 when absent. */
    public static long counter(String metrics, String name, String label, String value) {
        String labels = label == null ? "" : "\\{" + label + "=\"" + value + "\"}";
        Matcher m = Pattern.compile("(?m)^" + name + labels + " ([0-9.E]+)$").matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
