package io.rackswarm.agent.status;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rackswarm.agent.config.AgentConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * {@code GET /metrics} on {@code metrics-host:metrics-port}: the agent's Prometheus metrics
 * where a cluster's Prometheus can scrape them, while the registry mirror (and {@code /q/*})
 * listens on the node's loopback only. Nothing else is served there. The JDK's small HTTP
 * server, on one thread, so that this listener adds no meters of its own.
 */
@ApplicationScoped
public class MetricsListener {

    private static final Logger LOG = Logger.getLogger(MetricsListener.class);

    private final AgentConfig config;
    private final PrometheusMeterRegistry registry;
    private HttpServer server;
    private ExecutorService executor;

    public MetricsListener(AgentConfig config, PrometheusMeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    void start(@Observes StartupEvent event) throws IOException {
        if (config.metricsPort() <= 0) {
            return;
        }
        server = HttpServer.create(new InetSocketAddress(config.metricsHost(),
                config.metricsPort()), 16);
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET")
                        || !exchange.getRequestURI().getPath().equals("/metrics")) {
                    byte[] body = "only GET /metrics here\n".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(404, body.length);
                    exchange.getResponseBody().write(body);
                    return;
                }
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type",
                        "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-listener");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        LOG.infof("metrics on http://%s:%d/metrics", config.metricsHost(), config.metricsPort());
    }

    void stop(@Observes ShutdownEvent event) {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
