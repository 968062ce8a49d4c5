package io.rackswarm.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rackswarm.agent.config.AgentConfig;
import io.rackswarm.seeder.config.SeederConfig;
import io.rackswarm.tracker.config.TrackerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart rendered by Helm's own engine (helm-java) under several value sets: the objects,
 * their probes, their RBAC, and the environment the services really read.
 */
class ChartTest {

    private static final Path CHART = Path.of("rackswarm").toAbsolutePath();
    private static final Set<String> HEALTH = Set.of("/q/health/started", "/q/health/live",
            "/q/health/ready");

    /** The API server Helm's lookup asks (KUBECONFIG, set by the pom, names it). */
    private static KubernetesMockServer api;

    @BeforeAll
    static void startApiServer() throws IOException {
        api = new KubernetesMockServer(false);
        api.init();
        api.expect().get().withPath("/api").andReturn(200, new APIVersionsBuilder()
                .withVersions("v1").build()).always();
        api.expect().get().withPath("/apis").andReturn(200, new APIGroupListBuilder().build())
                .always();
        // Helm's discovery asks with its own timeout parameter.
        api.expect().get().withPath("/api/v1?timeout=32s").andReturn(200,
                new APIResourceListBuilder()
                .withGroupVersion("v1").addNewResource().withName("secrets").withKind("Secret")
                .withNamespaced(true).withVerbs("get", "list").withSingularName("secret")
                .endResource().build()).always();
        // An earlier install in namespace "upgrade" left its Secret; "infra" has none.
        api.expect().get().withPath("/api/v1/namespaces/upgrade/secrets/rs-rackswarm-secrets")
                .andReturn(200, new SecretBuilder().withNewMetadata()
                        .withName("rs-rackswarm-secrets").withNamespace("upgrade").endMetadata()
                        .addToData("origin-secret", "a2VwdC1vcmlnaW4tc2VjcmV0")
                        .addToData("node-secret", "a2VwdC1ub2RlLXNlY3JldA==")
                        .addToData("admin-token", "a2VwdC1hZG1pbi10b2tlbg==").build()).always();
        api.expect().get().withPath("/api/v1/namespaces/infra/secrets/rs-rackswarm-secrets")
                .andReturn(404, new StatusBuilder().withCode(404).withReason("NotFound")
                        .build()).always();
        String url = api.url("/").replaceAll("/$", "");
        Files.writeString(Path.of("target", "test-kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s"}}]
                users: [{name: mock, user: {token: test}}]
                contexts: [{name: mock, context: {cluster: mock, user: mock}}]
                current-context: mock
                """.formatted(url));
    }

    @AfterAll
    static void stopApiServer() {
        if (api != null) {
            api.destroy();
        }
    }

    private static List<HasMetadata> render(Map<String, Object> values) {
        return render("infra", values);
    }

    private static List<HasMetadata> render(String namespace, Map<String, Object> values) {
        TemplateCommand t = new Helm(CHART).template().withName("rs").withNamespace(namespace);
        values.forEach(t::set);
        String yaml = t.call();
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.replaceAll("(?m)^#.*$", "").isBlank()) {
                continue;
            }
            Object o = Serialization.unmarshal(doc);
            if (o instanceof KubernetesList list) {
                objects.addAll(list.getItems());
            } else if (o instanceof HasMetadata m) {
                objects.add(m);
            }
        }
        return objects;
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> kind,
            String name) {
        return objects.stream().filter(kind::isInstance).map(kind::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " " + name
                        + " in " + objects.stream().map(o -> o.getKind() + "/"
                                + o.getMetadata().getName()).toList()));
    }

    private static Container container(PodSpec pod) {
        assertThat(pod.getContainers()).hasSize(1);
        return pod.getContainers().get(0);
    }

    private static Map<String, EnvVar> env(Container c) {
        return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName,
                Function.identity()));
    }

    @Test
    void givenTheChart_thenHelmLintFindsNothing() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void givenDefaults_thenEveryServiceIsThereWithItsKind() {
        List<HasMetadata> objects = render(Map.of());
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .contains("Deployment/rs-rackswarm-tracker", "Service/rs-rackswarm-tracker",
                        "HorizontalPodAutoscaler/rs-rackswarm-tracker",
                        "PodDisruptionBudget/rs-rackswarm-tracker",
                        "StatefulSet/rs-rackswarm-redis", "ConfigMap/rs-rackswarm-redis",
                        "StatefulSet/rs-rackswarm-seeder", "Service/rs-rackswarm-seeder-pods",
                        "DaemonSet/rs-rackswarm-agent", "ClusterRole/rs-rackswarm-agent",
                        "Secret/rs-rackswarm-secrets", "ConfigMap/rs-rackswarm-dashboard",
                        "NetworkPolicy/rs-rackswarm-redis");
        Service headless = one(objects, Service.class, "rs-rackswarm-seeder-pods");
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(one(objects, StatefulSet.class, "rs-rackswarm-seeder").getSpec()
                .getServiceName()).isEqualTo("rs-rackswarm-seeder-pods");
    }

    @Test
    void givenDefaults_thenProbesAskTheServicesHealthEndpointsOnTheirOwnPort() {
        List<HasMetadata> objects = render(Map.of());
        List<Container> services = List.of(
                container(one(objects, Deployment.class, "rs-rackswarm-tracker").getSpec()
                        .getTemplate().getSpec()),
                container(one(objects, StatefulSet.class, "rs-rackswarm-seeder").getSpec()
                        .getTemplate().getSpec()),
                container(one(objects, DaemonSet.class, "rs-rackswarm-agent").getSpec()
                        .getTemplate().getSpec()));
        for (Container c : services) {
            Set<String> ports = c.getPorts().stream().map(p -> p.getName())
                    .collect(Collectors.toSet());
            for (Probe p : new Probe[] {c.getStartupProbe(), c.getLivenessProbe(),
                c.getReadinessProbe()}) {
                assertThat(p).as(c.getName()).isNotNull();
                assertThat(HEALTH).contains(p.getHttpGet().getPath());
                assertThat(ports).contains(p.getHttpGet().getPort().getStrVal());
            }
            // The port the service listens on is the one it is told (PORT) and exposes.
            String port = env(c).get("PORT").getValue();
            assertThat(c.getPorts()).anyMatch(p -> p.getName().equals("http")
                    && p.getContainerPort().toString().equals(port));
        }
    }

    /**
     * The container quarkus-kubernetes generates for a service from its own configuration
     * ({@code <module>/target/kubernetes/kubernetes.yml}, written when the module is packaged).
     */
    private static Container generated(String module) throws IOException {
        Path file = Path.of("..", module, "target", "kubernetes", "kubernetes.yml");
        assertThat(file).as("quarkus-kubernetes's manifest of " + module
                + ": package the services first (mvn verify builds them before this module)")
                .exists();
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : Files.readString(file).split("(?m)^---\\s*$")) {
            if (!doc.isBlank() && Serialization.unmarshal(doc) instanceof HasMetadata m) {
                objects.add(m);
            }
        }
        return container(objects.stream().filter(Deployment.class::isInstance)
                .map(Deployment.class::cast).findFirst().orElseThrow(() -> new AssertionError(
                        "no Deployment in " + file)).getSpec().getTemplate().getSpec());
    }

    @Test
    void givenWhatQuarkusGeneratesForEachService_thenTheChartUsesTheSamePortAndProbes()
            throws IOException {
        List<HasMetadata> objects = render(Map.of());
        Map<String, Container> chart = Map.of(
                "tracker-service", container(one(objects, Deployment.class,
                        "rs-rackswarm-tracker").getSpec().getTemplate().getSpec()),
                "seeder-service", container(one(objects, StatefulSet.class,
                        "rs-rackswarm-seeder").getSpec().getTemplate().getSpec()),
                "agent", container(one(objects, DaemonSet.class, "rs-rackswarm-agent")
                        .getSpec().getTemplate().getSpec()));
        for (Map.Entry<String, Container> service : chart.entrySet()) {
            Container ours = service.getValue();
            Container theirs = generated(service.getKey());
            String what = service.getKey();
            // The port the service listens on by its own configuration is the chart's.
            Integer port = theirs.getPorts().stream().filter(p -> p.getName().equals("http"))
                    .findFirst().orElseThrow().getContainerPort();
            assertThat(ours.getPorts()).as(what).anyMatch(p -> p.getName().equals("http")
                    && p.getContainerPort().equals(port));
            assertThat(env(ours).get("PORT").getValue()).as(what).isEqualTo(port.toString());
            // Each probe asks the endpoint the service's health extension serves for it.
            assertThat(ours.getStartupProbe().getHttpGet().getPath()).as(what)
                    .isEqualTo(theirs.getStartupProbe().getHttpGet().getPath());
            assertThat(ours.getLivenessProbe().getHttpGet().getPath()).as(what)
                    .isEqualTo(theirs.getLivenessProbe().getHttpGet().getPath());
            assertThat(ours.getReadinessProbe().getHttpGet().getPath()).as(what)
                    .isEqualTo(theirs.getReadinessProbe().getHttpGet().getPath());
            // The image is the one Jib builds for the service: same group and name (the
            // registry and tag are set per build and per release).
            assertThat(groupAndName(ours.getImage())).as(what)
                    .isEqualTo(groupAndName(theirs.getImage()));
        }
    }

    /** "rackswarm/rackswarm-tracker" of "ghcr.io/rackswarm/rackswarm-tracker:0.1.0". */
    private static String groupAndName(String image) {
        String repository = image.substring(0, image.lastIndexOf(':'));
        String[] parts = repository.split("/");
        return parts[parts.length - 2] + "/" + parts[parts.length - 1];
    }

    @Test
    void givenDefaults_thenEveryVariableNamesAKeyTheServiceReads() throws IOException {
        List<HasMetadata> objects = render(Map.of());
        check(container(one(objects, Deployment.class, "rs-rackswarm-tracker").getSpec()
                .getTemplate().getSpec()), "RACKSWARM_TRACKER_", TrackerConfig.class,
                "tracker-service");
        check(container(one(objects, StatefulSet.class, "rs-rackswarm-seeder").getSpec()
                .getTemplate().getSpec()), "RACKSWARM_SEEDER_", SeederConfig.class,
                "seeder-service");
        check(container(one(objects, DaemonSet.class, "rs-rackswarm-agent").getSpec()
                .getTemplate().getSpec()), "RACKSWARM_AGENT_", AgentConfig.class, "agent");
    }

    /** Each variable is a key of the service's config mapping or read by its properties. */
    private static void check(Container c, String prefix, Class<?> mapping, String module)
            throws IOException {
        Set<String> keys = ConfigKeys.environmentNames(prefix, mapping);
        Set<String> read = propertiesReferences(module);
        for (EnvVar v : c.getEnv()) {
            if (v.getName().equals("LD_PRELOAD")) {
                continue; // read by the dynamic linker
            }
            assertThat(v.getName().startsWith(prefix) ? keys : read)
                    .as("%s sets %s; %s reads %s", c.getName(), v.getName(), module,
                            v.getName().startsWith(prefix) ? keys : read)
                    .contains(v.getName());
        }
    }

    private static Set<String> propertiesReferences(String module) throws IOException {
        String text = Files.readString(Path.of("..", module, "src/main/resources",
                "application.properties"));
        Matcher m = Pattern.compile("\\$\\{([A-Z_]+)[:}]").matcher(text);
        Set<String> names = new java.util.HashSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void givenDefaults_thenTheAgentMayOnlyReadNodesAndTheTrackerOnlyReviewTokens() {
        List<HasMetadata> objects = render(Map.of());
        ClusterRole role = one(objects, ClusterRole.class, "rs-rackswarm-agent");
        assertThat(role.getRules()).hasSize(1);
        PolicyRule rule = role.getRules().get(0);
        assertThat(rule.getResources()).containsExactly("nodes");
        assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
        PolicyRule review = one(objects, ClusterRole.class, "rs-rackswarm-tracker").getRules()
                .get(0);
        assertThat(review.getApiGroups()).containsExactly("authentication.k8s.io");
        assertThat(review.getResources()).containsExactly("tokenreviews");
        assertThat(review.getVerbs()).containsExactly("create");
        PolicyRule pods = one(objects, io.fabric8.kubernetes.api.model.rbac.Role.class,
                "rs-rackswarm-tracker").getRules().get(0);
        assertThat(pods.getResources()).containsExactly("pods");
        assertThat(pods.getVerbs()).containsExactly("get");
        assertThat(objects).filteredOn(o -> o.getKind().equals("ClusterRole")
                || o.getKind().equals("Role")).hasSize(3);
    }

    @Test
    void givenDefaults_thenSecretsAreGeneratedAndEveryServiceReadsTheSameOnes() {
        List<HasMetadata> objects = render(Map.of());
        Secret secret = one(objects, Secret.class, "rs-rackswarm-secrets");
        assertThat(secret.getData()).containsOnlyKeys("origin-secret", "node-secret",
                "admin-token");
        assertThat(secret.getData().get("origin-secret")).hasSizeGreaterThan(40)
                .isNotEqualTo(secret.getData().get("node-secret"));
        var tracker = env(container(one(objects, Deployment.class, "rs-rackswarm-tracker")
                .getSpec().getTemplate().getSpec()));
        var agent = env(container(one(objects, DaemonSet.class, "rs-rackswarm-agent")
                .getSpec().getTemplate().getSpec()));
        var seeder = env(container(one(objects, StatefulSet.class, "rs-rackswarm-seeder")
                .getSpec().getTemplate().getSpec()));
        assertThat(tracker.get("RACKSWARM_TRACKER_ORIGIN_SECRETS").getValueFrom()
                .getSecretKeyRef().getName()).isEqualTo("rs-rackswarm-secrets");
        assertThat(tracker.get("RACKSWARM_TRACKER_NODE_SECRETS").getValueFrom()
                .getSecretKeyRef().getKey()).isEqualTo("node-secret");
        assertThat(seeder.get("RACKSWARM_SEEDER_ORIGIN_SECRET").getValueFrom()
                .getSecretKeyRef().getKey()).isEqualTo("origin-secret");
        // Nodes hold no secret: agents trade a projected ServiceAccount token for their token.
        assertThat(agent.values()).noneMatch(v -> v.getValueFrom() != null
                && v.getValueFrom().getSecretKeyRef() != null);
        assertThat(tracker.get("RACKSWARM_TRACKER_TOKEN_EXCHANGE_SERVICE_ACCOUNTS").getValue())
                .isEqualTo("infra/rs-rackswarm-agent");
        assertThat(agent.get("RACKSWARM_AGENT_SERVICE_ACCOUNT_TOKEN_FILE").getValue())
                .isEqualTo("/var/run/secrets/rackswarm/token");
        var projected = one(objects, DaemonSet.class, "rs-rackswarm-agent").getSpec()
                .getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("rackswarm-token")).findFirst().orElseThrow()
                .getProjected().getSources().get(0).getServiceAccountToken();
        assertThat(projected.getAudience()).isEqualTo("rackswarm");
        assertThat(projected.getPath()).isEqualTo("token");
    }

    @Test
    void givenAnUpgrade_thenTheSecretsTheInstallGeneratedAreKept() {
        Secret kept = one(render("upgrade", Map.of()), Secret.class, "rs-rackswarm-secrets");
        assertThat(kept.getData()).containsEntry("origin-secret", "a2VwdC1vcmlnaW4tc2VjcmV0")
                .containsEntry("node-secret", "a2VwdC1ub2RlLXNlY3JldA==")
                .containsEntry("admin-token", "a2VwdC1hZG1pbi10b2tlbg==");
        Secret fresh = one(render(Map.of()), Secret.class, "rs-rackswarm-secrets");
        assertThat(fresh.getData().get("origin-secret"))
                .isNotEqualTo("a2VwdC1vcmlnaW4tc2VjcmV0");
    }

    @Test
    void givenAnExistingSecret_thenNoneIsGeneratedAndItIsTheOneReferenced() {
        List<HasMetadata> objects = render(Map.of("secrets.existingSecret", "mine"));
        assertThat(objects).noneMatch(o -> o instanceof Secret);
        var seeder = env(container(one(objects, StatefulSet.class, "rs-rackswarm-seeder")
                .getSpec().getTemplate().getSpec()));
        assertThat(seeder.get("RACKSWARM_SEEDER_TRACKER_ADMIN_TOKEN").getValueFrom()
                .getSecretKeyRef().getName()).isEqualTo("mine");
    }

    @Test
    void givenAnExternalRedis_thenNoneIsBundledAndTheTrackerUsesIt() {
        List<HasMetadata> objects = render(Map.of("redis.bundled", false, "redis.externalUrl",
                "redis://redis.example:6379"));
        assertThat(objects).noneMatch(o -> o.getMetadata().getName().contains("-redis"));
        var tracker = env(container(one(objects, Deployment.class, "rs-rackswarm-tracker")
                .getSpec().getTemplate().getSpec()));
        assertThat(tracker.get("REDIS_URL").getValue()).isEqualTo("redis://redis.example:6379");
    }

    @Test
    void givenRedisPersistence_thenItClaimsAVolumeAndKeepsItsSaveSettings() {
        StatefulSet redis = one(render(Map.of("redis.persistence.enabled", true)),
                StatefulSet.class, "rs-rackswarm-redis");
        assertThat(redis.getSpec().getVolumeClaimTemplates()).hasSize(1);
        StatefulSet without = one(render(Map.of()), StatefulSet.class, "rs-rackswarm-redis");
        assertThat(without.getSpec().getVolumeClaimTemplates()).isNullOrEmpty();
        assertThat(without.getSpec().getTemplate().getSpec().getVolumes())
                .anyMatch(v -> v.getName().equals("data") && v.getEmptyDir() != null);
    }

    @Test
    void givenACustomRackLabelAndCrio_thenTheAgentIsToldAndMountsCriosDirectory() {
        List<HasMetadata> objects = render(Map.of("agent.rackLabel", "example.com/rack",
                "agent.runtime.crioRegistriesDir", "/etc/containers/registries.conf.d",
                "agent.runtime.containerdCertsDir", ""));
        DaemonSet agent = one(objects, DaemonSet.class, "rs-rackswarm-agent");
        PodSpec pod = agent.getSpec().getTemplate().getSpec();
        var e = env(container(pod));
        assertThat(e.get("RACKSWARM_AGENT_TOPOLOGY_RACK_LABEL").getValue())
                .isEqualTo("example.com/rack");
        assertThat(e).containsKey("RACKSWARM_AGENT_RUNTIME_CRIO_REGISTRIES_DIR")
                .doesNotContainKey("RACKSWARM_AGENT_RUNTIME_CONTAINERD_CERTS_DIR");
        assertThat(pod.getVolumes()).anyMatch(v -> v.getHostPath() != null
                && v.getHostPath().getPath().equals("/etc/containers/registries.conf.d"));
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    }

    @Test
    void givenThreeSeeders_thenTheRingNamesEveryPod() {
        StatefulSet seeder = one(render(Map.of("seeder.replicas", 3)), StatefulSet.class,
                "rs-rackswarm-seeder");
        var e = env(container(seeder.getSpec().getTemplate().getSpec()));
        assertThat(e.get("RACKSWARM_SEEDER_REPLICAS").getValue())
                .isEqualTo("rs-rackswarm-seeder-0,rs-rackswarm-seeder-1,rs-rackswarm-seeder-2");
        assertThat(e.get("RACKSWARM_SEEDER_REPLICA_URL_TEMPLATE").getValue())
                .isEqualTo("http://{name}.rs-rackswarm-seeder-pods.infra.svc:7080");
    }

    /**
     * k8s/rackswarm.yaml is the chart with its defaults, for teams that kubectl apply: the
     * Secret is theirs to create (rackswarm-secrets), hooks are left out.
     * {@code mvn -pl helm test -Drackswarm.chart.write=true} writes it again.
     */
    @Test
    void givenThePlainManifests_thenTheyAreTheChartRenderedWithDefaults() throws IOException {
        String rendered = new Helm(CHART).template().withName("rackswarm")
                .withNamespace("rackswarm").set("secrets.existingSecret", "rackswarm-secrets")
                .call();
        StringBuilder plain = new StringBuilder("# Generated from helm/rackswarm with its default"
                + " values (release rackswarm, namespace rackswarm).\n# Create the Secret"
                + " rackswarm-secrets first (keys origin-secret, node-secret, admin-token); see"
                + " the README.\n# Do not edit: ChartTest keeps it in sync with the chart.\n");
        for (String doc : rendered.split("(?m)^---\\s*$")) {
            if (!doc.isBlank() && !doc.contains("helm.sh/hook:")) {
                plain.append("---\n").append(doc.strip()).append('\n');
            }
        }
        Path file = Path.of("..", "k8s", "rackswarm.yaml");
        if (Boolean.getBoolean("rackswarm.chart.write")) {
            Files.writeString(file, plain);
        }
        assertThat(Files.exists(file) ? Files.readString(file) : "")
                .as("k8s/rackswarm.yaml is stale: mvn -pl helm test -Drackswarm.chart.write=true")
                .isEqualTo(plain.toString());
    }

    @Test
    void givenAValueOfTheWrongType_thenTheSchemaRefusesIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> render(Map.of("agent.seedPolicy", "sometimes")))
                .hasMessageContaining("seedPolicy");
    }
}
