package io.rackswarm.agent.token;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.core.token.AnnounceToken;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The token this node announces with. In Kubernetes it comes from the tracker's token exchange
 * ({@code service-account-token-file}): fetched at start-up, renewed at half its life, retried
 * with backoff while the tracker cannot give one; the node then holds no signing secret.
 * Outside Kubernetes it is configured ({@code announce-token}) or minted from the node secret.
 * Until the first exchange succeeds the value is empty: the tracker refuses those announces,
 * downloads fall back to the seeder over HTTP, and the listeners re-announce once it arrives.
 */
@ApplicationScoped
public class NodeToken {

    private static final Logger LOG = Logger.getLogger(NodeToken.class);
    private static final Duration MIN_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);
    /** A refusal is a configuration problem; asking often will not change the answer. */
    private static final Duration REFUSED_RETRY = Duration.ofSeconds(60);

    private final TokenExchange exchange;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final MeterRegistry registry;
    private final String nodeName;
    private volatile String value;
    private volatile Instant expiresAt;
    private ScheduledExecutorService renewer;
    private Duration retry = MIN_RETRY;
    private String lastFailure;

    public NodeToken(AgentConfig config, MeterRegistry registry) {
        this.registry = registry;
        this.nodeName = config.nodeName();
        if (config.announceToken().isPresent()) {
            String t = config.announceToken().get();
            if (!t.startsWith(config.nodeName() + ".") && !t.startsWith(config.nodeName() + "~")) {
                throw new IllegalArgumentException("rackswarm.agent.announce-token is not a "
                        + "token for node " + config.nodeName());
            }
            value = t;
            exchange = null;
        } else if (config.serviceAccountTokenFile().isPresent()) {
            String tracker = config.trackerUrl().orElseThrow(() -> new IllegalArgumentException(
                    "rackswarm.agent.tracker-url is required with service-account-token-file: "
                            + "the token exchange is the tracker's"));
            exchange = new TokenExchange(tracker, config.serviceAccountTokenFile().get());
            value = "";
        } else if (config.nodeSecret().isPresent()) {
            value = new AnnounceToken(List.of(config.nodeSecret().get())).mint(config.nodeName());
            exchange = null;
        } else {
            throw new IllegalArgumentException("set rackswarm.agent.service-account-token-file "
                    + "(Kubernetes: the tracker's token exchange), announce-token or node-secret:"
                    + " the tracker refuses announces without a token");
        }
    }

    void onStart(@Observes StartupEvent event) {
        if (exchange == null) {
            return;
        }
        Counter.builder("rackswarm.agent.token.exchanges").tag("outcome", "ok")
                .description("node token exchanges with the tracker, by outcome")
                .register(registry);
        Gauge.builder("rackswarm.agent.token.validity", this, t -> t.validitySeconds())
                .baseUnit("seconds")
                .description("time left before this node's announce token expires; 0 when it "
                        + "has none")
                .register(registry);
        renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "node-token");
            t.setDaemon(true);
            return t;
        });
        renewer.execute(this::renew);
    }

    private double validitySeconds() {
        Instant e = expiresAt;
        return e == null ? 0 : Math.max(0, Duration.between(Instant.now(), e).toMillis() / 1e3);
    }

    private void renew() {
        Duration next;
        try {
            TokenExchange.Issued issued = exchange.exchange();
            if (!issued.node().equals(nodeName)) {
                LOG.warnf("the tracker issued a token for node %s, but rackswarm.agent.node-name "
                        + "is %s: announcing as %s", issued.node(), nodeName, issued.node());
            }
            boolean first = value.isEmpty();
            value = issued.token();
            expiresAt = issued.expiresAt();
            retry = MIN_RETRY;
            lastFailure = null;
            count("ok");
            Duration left = Duration.between(Instant.now(), issued.expiresAt());
            next = left.dividedBy(2).compareTo(MIN_RETRY) < 0 ? MIN_RETRY : left.dividedBy(2);
            if (first) {
                LOG.infof("node token for %s from the tracker, valid until %s", issued.node(),
                        issued.expiresAt());
            }
            for (Consumer<String> l : listeners) {
                l.accept(value);
            }
        } catch (TokenExchange.Failed e) {
            count(e.refused ? "refused" : "failed");
            if (!e.getMessage().equals(lastFailure)) {
                LOG.warnf("no node token from the tracker: %s (retrying; announces are refused "
                        + "until one comes, blobs come from the seeder over HTTP meanwhile)",
                        e.getMessage());
                lastFailure = e.getMessage();
            }
            next = e.refused ? REFUSED_RETRY : retry;
            retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY
                    : retry.multipliedBy(2);
            if (expiresAt != null && Instant.now().isAfter(expiresAt)) {
                value = "";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            LOG.error("node token renewal failed", e);
            next = MAX_RETRY;
        }
        if (!renewer.isShutdown()) {
            renewer.schedule(this::renew, next.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void count(String outcome) {
        registry.counter("rackswarm.agent.token.exchanges", "outcome", outcome).increment();
    }

    /** The current token; empty while the exchange has not given one. */
    public String value() {
        return value;
    }

    /** Called with the new token whenever it changes (renewals). */
    public void onChange(Consumer<String> listener) {
        listeners.add(listener);
    }

    @PreDestroy
    void stop() {
        if (renewer != null) {
            renewer.shutdownNow();
        }
    }
}
