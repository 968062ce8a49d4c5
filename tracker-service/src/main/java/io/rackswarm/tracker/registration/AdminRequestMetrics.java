package io.rackswarm.tracker.registration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the registration API's requests by method and status. Quarkus's generic HTTP server
 * metrics are switched off in this service: they hook every request, announces included, and
 * cost the announce path about 2 µs each even for paths they are told to ignore. Announces and
 * scrapes have metrics of their own; the admin API, the only JAX-RS resource, has these.
 */
@Provider
public class AdminRequestMetrics implements ContainerResponseFilter {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();

    public AdminRequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String method = request.getMethod();
        String status = Integer.toString(response.getStatus());
        counters.computeIfAbsent(method + " " + status, k -> Counter
                .builder("rackswarm.tracker.admin.requests")
                .description("Registration API requests, by method and HTTP status")
                .tag("method", method).tag("status", status).register(registry))
                .increment();
    }
}
