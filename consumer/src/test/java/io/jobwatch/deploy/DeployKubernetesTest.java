package io.jobwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Offline checks of deploy/kubernetes: strict model parsing and consistency; not thread-safe. */
class DeployKubernetesTest {

  private static final Path DIR = DeployFiles.repositoryRoot().resolve("deploy/kubernetes");
  private static final String KUSTOMIZATION = "kustomization.yaml";
  private static final int HTTP_PORT = 9464;

  /** The typed model of every built-in kind the manifests use. */
  private static final Map<String, Class<? extends HasMetadata>> TYPED_KINDS =
      Map.of(
          "ConfigMap", ConfigMap.class,
          "Secret", Secret.class,
          "Service", Service.class,
          "Deployment", Deployment.class,
          "PodDisruptionBudget", PodDisruptionBudget.class,
          "NetworkPolicy", NetworkPolicy.class);

  /** Prometheus Operator kinds: no model on the class path, so read as generic resources. */
  private static final Set<String> OPERATOR_KINDS = Set.of("ServiceMonitor", "PrometheusRule");

  /**
   * fabric8's model classes collect unknown fields in an {@code additionalProperties} map through
   * {@code @JsonAnySetter}, which would make FAIL_ON_UNKNOWN_PROPERTIES ineffective. Switching the
   * any-setter off for the typed model makes a misspelt or misplaced field a parse error, as {@code
   * kubectl apply --validate=strict} would report it.
   */
  private static final YAMLMapper STRICT =
      YAMLMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .annotationIntrospector(
              new JacksonAnnotationIntrospector() {
                private static final long serialVersionUID = 1L;

                @Override
                public Boolean hasAnySetter(Annotated annotated) {
                  if (annotated instanceof AnnotatedMember member
                      && member.getDeclaringClass() != GenericKubernetesResource.class
                      && member.getDeclaringClass().getName().startsWith("io.fabric8.")) {
                    return Boolean.FALSE;
                  }
                  return super.hasAnySetter(annotated);
                }
              })
          .build();

  private static List<Path> manifestFiles() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .filter(file -> file.getFileName().toString().matches(".+\\.ya?ml"))
          .filter(file -> !file.getFileName().toString().equals(KUSTOMIZATION))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        STRICT.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNext()) {
        JsonNode document = it.next();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
    }
    return documents;
  }

  private static HasMetadata parse(JsonNode document) throws IOException {
    String kind = document.path("kind").asText();
    Class<? extends HasMetadata> type = TYPED_KINDS.get(kind);
    if (type != null) {
      return STRICT.treeToValue(document, type);
    }
    if (OPERATOR_KINDS.contains(kind)) {
      return STRICT.treeToValue(document, GenericKubernetesResource.class);
    }
    throw new IllegalArgumentException("Unexpected kind '" + kind + "' in deploy/kubernetes");
  }

  private static List<HasMetadata> allResources() throws IOException {
    List<HasMetadata> resources = new ArrayList<>();
    for (Path file : manifestFiles()) {
      for (JsonNode document : documents(file)) {
        resources.add(parse(document));
      }
    }
    return resources;
  }

  private static <T extends HasMetadata> T single(Class<T> type) throws IOException {
    List<T> found =
        allResources().stream()
            .filter(type::isInstance)
            .map(type::cast)
            .collect(Collectors.toList());
    assertThat(found).as("resources of type " + type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  private static GenericKubernetesResource operatorResource(String kind) throws IOException {
    List<GenericKubernetesResource> found =
        allResources().stream()
            .filter(GenericKubernetesResource.class::isInstance)
            .map(GenericKubernetesResource.class::cast)
            .filter(resource -> kind.equals(resource.getKind()))
            .collect(Collectors.toList());
    assertThat(found).as(kind + " resources").hasSize(1);
    return found.get(0);
  }

  @Test
  @DisplayName("Every manifest parses strictly into the Kubernetes model with its own apiVersion")
  void everyManifestParsesStrictly() throws IOException {
    List<HasMetadata> resources = allResources();

    assertThat(resources)
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder(
            "ConfigMap",
            "Secret",
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "ServiceMonitor",
            "PrometheusRule");
    for (HasMetadata resource : resources) {
      assertThat(resource.getMetadata().getName()).as(resource.getKind() + " name").isNotBlank();
      assertThat(resource.getMetadata().getNamespace())
          .as(resource.getKind() + " is namespace-less")
          .isNull();
      if (!(resource instanceof GenericKubernetesResource)) {
        // The model classes' defaults are the group/version their fields belong to.
        HasMetadata fresh = newInstance(resource.getClass());
        assertThat(resource.getApiVersion())
            .as(resource.getKind())
            .isEqualTo(fresh.getApiVersion());
      }
    }
  }

  @Test
  @DisplayName("Strict parsing rejects a Deployment with a misspelt field")
  void strictParsingRejectsUnknownFields() throws IOException {
    JsonNode document = documents(DeployFiles.testResource("invalid-deployment.yaml")).get(0);

    assertThatThrownBy(() -> parse(document))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("livenessProbes");
  }

  @Test
  @DisplayName(
      "The Deployment runs 3 non-root replicas with liveness on /healthz and readiness on /readyz")
  void deploymentProbesAndSecurity() throws IOException {
    Deployment deployment = single(Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(pod.getContainers()).hasSize(1);
    assertProbe(container.getLivenessProbe().getHttpGet(), "/healthz");
    assertProbe(container.getReadinessProbe().getHttpGet(), "/readyz");
    assertThat(container.getPorts())
        .anySatisfy(
            port -> {
              assertThat(port.getName()).isEqualTo("http-metrics");
              assertThat(port.getContainerPort()).isEqualTo(HTTP_PORT);
            });
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(container.getSecurityContext().getRunAsNonRoot()).isNotEqualTo(Boolean.FALSE);
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
  }

  @Test
  @DisplayName("With a read-only root filesystem, /tmp is a writable emptyDir")
  void tmpIsAnEmptyDir() throws IOException {
    PodSpec pod = single(Deployment.class).getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    String volumeName =
        container.getVolumeMounts().stream()
            .filter(mount -> mount.getMountPath().equals("/tmp"))
            .map(mount -> mount.getName())
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume mounted at /tmp"));
    Volume volume =
        pod.getVolumes().stream()
            .filter(candidate -> candidate.getName().equals(volumeName))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume named " + volumeName));
    assertThat(volume.getEmptyDir()).isNotNull();
  }

  @Test
  @DisplayName(
      "The Deployment takes its environment from the ConfigMap and the Secret of this directory")
  void environmentComesFromConfigMapAndSecret() throws IOException {
    Container container =
        single(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    ConfigMap configMap = single(ConfigMap.class);
    Secret secret = single(Secret.class);

    List<String> configMapRefs = new ArrayList<>();
    List<String> secretRefs = new ArrayList<>();
    for (EnvFromSource source : container.getEnvFrom()) {
      if (source.getConfigMapRef() != null) {
        configMapRefs.add(source.getConfigMapRef().getName());
      }
      if (source.getSecretRef() != null) {
        secretRefs.add(source.getSecretRef().getName());
      }
    }

    assertThat(configMapRefs).containsExactly(configMap.getMetadata().getName());
    assertThat(secretRefs).containsExactly(secret.getMetadata().getName());
    assertThat(configMap.getData())
        .containsKeys("JOBWATCH_KAFKA_BOOTSTRAP", "JOBWATCH_DB_URL", "JOBWATCH_GROUP_ID")
        .containsEntry("JOBWATCH_HTTP_PORT", String.valueOf(HTTP_PORT));
    assertThat(secret.getStringData()).containsKeys("JOBWATCH_DB_USER", "JOBWATCH_DB_PASSWORD");
    assertThat(configMap.getData().keySet())
        .as("no credentials in the ConfigMap")
        .noneMatch(key -> key.contains("PASSWORD") || key.contains("JAAS"));
  }

  @Test
  @DisplayName("Service, PodDisruptionBudget and ServiceMonitor select the Deployment's pods")
  void selectorsMatchThePods() throws IOException {
    Deployment deployment = single(Deployment.class);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    Service service = single(Service.class);
    PodDisruptionBudget budget = single(PodDisruptionBudget.class);

    assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(podLabels).containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
    ServicePort port = service.getSpec().getPorts().get(0);
    assertThat(port.getName()).isEqualTo("http-metrics");
    assertThat(port.getPort()).isEqualTo(HTTP_PORT);
    boolean minAvailableOne =
        budget.getSpec().getMinAvailable() != null
            && Integer.valueOf(1).equals(budget.getSpec().getMinAvailable().getIntVal());
    boolean maxUnavailableOne =
        budget.getSpec().getMaxUnavailable() != null
            && Integer.valueOf(1).equals(budget.getSpec().getMaxUnavailable().getIntVal());
    assertThat(minAvailableOne || maxUnavailableOne)
        .as("PodDisruptionBudget minAvailable 1 or maxUnavailable 1")
        .isTrue();

    GenericKubernetesResource monitor = operatorResource("ServiceMonitor");
    Map<String, String> monitorSelector = monitor.get("spec", "selector", "matchLabels");
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(monitorSelector);
    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
    assertThat(endpoints)
        .isNotEmpty()
        .allSatisfy(endpoint -> assertThat(endpoint).containsEntry("port", port.getName()));
  }

  @Test
  @DisplayName(
      "The NetworkPolicy isolates the pods both ways and lets in only scrapes on the metrics port,"
          + " out only DNS and the ConfigMap's Kafka and PostgreSQL ports")
  void networkPolicyAllowsOnlyWhatJobwatchNeeds() throws IOException {
    NetworkPolicy policy = single(NetworkPolicy.class);
    Map<String, String> podLabels =
        single(Deployment.class).getSpec().getTemplate().getMetadata().getLabels();
    ConfigMap configMap = single(ConfigMap.class);

    assertThat(podLabels).containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
    assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
    List<Integer> ingressPorts = new ArrayList<>();
    for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
      assertThat(rule.getFrom())
          .as("ingress comes from a selected peer, never anyone")
          .isNotEmpty();
      rule.getPorts().forEach(port -> ingressPorts.add(port.getPort().getIntVal()));
    }
    assertThat(ingressPorts).containsExactly(HTTP_PORT);

    Set<String> egress = new TreeSet<>();
    for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
      assertThat(rule.getPorts()).as("every egress rule names its ports").isNotEmpty();
      for (NetworkPolicyPort port : rule.getPorts()) {
        egress.add(port.getProtocol() + "/" + port.getPort().getIntVal());
      }
    }
    String kafkaPort = configMap.getData().get("JOBWATCH_KAFKA_BOOTSTRAP").replaceAll(".*:", "");
    String dbPort =
        configMap
            .getData()
            .get("JOBWATCH_DB_URL")
            .replaceAll("^jdbc:postgresql://[^:/]+:(\\d+)/.*$", "$1");
    assertThat(egress)
        .containsExactlyInAnyOrder("UDP/53", "TCP/53", "TCP/" + kafkaPort, "TCP/" + dbPort);
  }

  @Test
  @DisplayName(
      "The ServiceMonitor keeps jobwatch's own service label: the operator's target label service"
          + " (the Kubernetes Service's name) would rename it to exported_service")
  void serviceMonitorHonoursTheServiceLabel() throws IOException {
    // The Prometheus Operator gives every target the labels namespace, service (the Kubernetes
    // Service), pod, container and endpoint. Without honorLabels a scraped label of the same name
    // loses: jobwatch_service_health{service="blast"} would be stored as {service="jobwatch",
    // exported_service="blast"}, so every stage, service and crash alert would name the service
    // "jobwatch", be grouped as one, and one failing service would inhibit the crash tickets of
    // all (alertmanager.yml, equal: [service]).
    GenericKubernetesResource monitor = operatorResource("ServiceMonitor");
    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");

    assertThat(endpoints)
        .isNotEmpty()
        .allSatisfy(endpoint -> assertThat(endpoint).containsEntry("honorLabels", true));
  }

  @Test
  @DisplayName("ServiceMonitor and PrometheusRule are monitoring.coreos.com/v1 resources")
  void operatorResourcesHaveTheRightApiVersion() throws IOException {
    GenericKubernetesResource monitor = operatorResource("ServiceMonitor");
    GenericKubernetesResource rule = operatorResource("PrometheusRule");

    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    List<Map<String, Object>> groups = rule.get("spec", "groups");
    assertThat(groups).isNotEmpty();
    for (Map<String, Object> group : groups) {
      assertThat(group).containsKeys("name", "rules");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> rules = (List<Map<String, Object>>) group.get("rules");
      assertThat(rules)
          .isNotEmpty()
          .allSatisfy(
              entry -> {
                assertThat(entry).containsKey("expr");
                assertThat(entry.containsKey("alert") ^ entry.containsKey("record"))
                    .as("a rule is either an alert or a recording rule: " + entry)
                    .isTrue();
              });
    }
  }

  @Test
  @DisplayName(
      "The PrometheusRule carries exactly the groups of deploy/prometheus/rules/jobwatch.rules.yml")
  void prometheusRuleCarriesTheAlertRules() throws IOException {
    JsonNode rule =
        allDocuments().stream()
            .filter(document -> document.path("kind").asText().equals("PrometheusRule"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no PrometheusRule"));
    JsonNode rulesFile =
        documents(
                DeployFiles.repositoryRoot().resolve("deploy/prometheus/rules/jobwatch.rules.yml"))
            .get(0);

    // A Kubernetes deployment watched by the Prometheus Operator gets its alerts only from this
    // resource: anything less than the rules file leaves pages (stage errors, monitors, pipeline
    // down) silently missing.
    assertThat(rule.path("spec").path("groups")).isEqualTo(rulesFile.path("groups"));
  }

  @Test
  @DisplayName(
      "A startup probe on /healthz covers the schema migration before liveness can restart the pod")
  void startupProbeCoversTheMigration() throws IOException {
    Container container =
        single(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    Probe startup = container.getStartupProbe();

    // HTTP is served only once Flyway has migrated the schema (JobwatchApp), and README.md gives
    // 66 s for V17 alone on 50 million events: liveness must not count that time, or a pod killed
    // mid-migration rolls it back and starts it again, forever. Ten minutes of start-up allowed.
    assertThat(startup).as("startupProbe").isNotNull();
    assertProbe(startup.getHttpGet(), "/healthz");
    int startupSeconds =
        value(startup.getInitialDelaySeconds(), 0)
            + value(startup.getPeriodSeconds(), 10) * value(startup.getFailureThreshold(), 3);
    assertThat(startupSeconds).as("seconds allowed to start").isGreaterThanOrEqualTo(600);
  }

  @Test
  @DisplayName(
      "The startup probe outlasts jobwatch's own 10-minute wait for a database refusing for now,"
          + " plus the migration after it")
  void startupProbeOutlastsTheWaitForARefusingDatabase() throws IOException {
    Container container =
        single(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    Probe startup = container.getStartupProbe();

    // README.md: at start, a PostgreSQL that refuses for now (too many connections, starting up,
    // a standby a failover has not promoted yet) is waited for up to 10 minutes (Database), before
    // the migration and before HTTP is served. A pod started during a failover that ends after 9
    // minutes must still get the 10 minutes for its migration that startupProbeCoversTheMigration
    // gives a pod started against a healthy database; at 600 s the kubelet kills it mid-migration,
    // and restarts it into the same wait, while jobwatch itself would have gone on.
    assertThat(startup).as("startupProbe").isNotNull();
    int startupSeconds =
        value(startup.getInitialDelaySeconds(), 0)
            + value(startup.getPeriodSeconds(), 10) * value(startup.getFailureThreshold(), 3);
    assertThat(startupSeconds)
        .as("seconds allowed to start: 600 of waiting for the database, 600 to migrate")
        .isGreaterThanOrEqualTo(600 + 600);
  }

  @Test
  @DisplayName(
      "The pods set no JVM options variable: the image's entrypoint has the heap flags, and the"
          + " JVM's 'Picked up JAVA_TOOL_OPTIONS' line would lead the JSON log")
  void jvmOptionsAreTheImagesOwn() throws IOException {
    Container container =
        single(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> names = new ArrayList<>();
    if (container.getEnv() != null) {
      container.getEnv().forEach(variable -> names.add(variable.getName()));
    }
    names.addAll(single(ConfigMap.class).getData().keySet());

    // The JVM announces each of these on stderr ("Picked up JAVA_TOOL_OPTIONS: ...") before
    // jobwatch logs anything: with JOBWATCH_LOG_FORMAT=json every start of every pod then begins
    // with a line a JSON log pipeline cannot parse, for a flag (-XX:MaxRAMPercentage=75.0) that
    // the image's ENTRYPOINT already passes.
    assertThat(names)
        .as("environment of the jobwatch container")
        .doesNotContain("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
  }

  @Test
  @DisplayName(
      "The PodDisruptionBudget lets a node drain evict pods that are not ready: a database outage"
          + " makes them all unready")
  void disruptionBudgetDoesNotHoldUnreadyPods() throws IOException {
    PodDisruptionBudget budget = single(PodDisruptionBudget.class);

    // /readyz is 503 on every replica while PostgreSQL is away (the readiness probe, as meant).
    // Under the default policy (IfHealthyBudget) a pod that runs but is not ready may be evicted
    // only while the budget holds (2 of 3 ready): during the outage none is, so `kubectl drain`
    // of a node with a jobwatch pod waits for as long as the database is away (and a drain is
    // often why it is away). The budget is there to keep working consumers from leaving together;
    // an unready one consumes nothing, and a new one elsewhere waits just as well.
    assertThat(budget.getSpec().getUnhealthyPodEvictionPolicy())
        .as("unhealthyPodEvictionPolicy")
        .isEqualTo("AlwaysAllow");
  }

  private static int value(Integer value, int byDefault) {
    return value == null ? byDefault : value;
  }

  private static List<JsonNode> allDocuments() throws IOException {
    List<JsonNode> all = new ArrayList<>();
    for (Path file : manifestFiles()) {
      all.addAll(documents(file));
    }
    return all;
  }

  @Test
  @DisplayName("kustomization.yaml lists every manifest of the directory and nothing else")
  void kustomizationListsEveryManifest() throws IOException {
    JsonNode kustomization = documents(DIR.resolve(KUSTOMIZATION)).get(0);
    List<String> listed = new ArrayList<>();
    kustomization.path("resources").forEach(entry -> listed.add(entry.asText()));
    Set<String> present = new TreeSet<>();
    for (Path file : manifestFiles()) {
      present.add(file.getFileName().toString());
    }

    assertThat(kustomization.path("apiVersion").asText())
        .isEqualTo("kustomize.config.k8s.io/v1beta1");
    assertThat(kustomization.path("kind").asText()).isEqualTo("Kustomization");
    assertThat(kustomization.has("namespace")).as("namespace-less").isFalse();
    assertThat(listed).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(listed)).isEqualTo(present);
  }

  private static void assertProbe(HTTPGetAction action, String path) {
    assertThat(action).as("httpGet probe on " + path).isNotNull();
    assertThat(action.getPath()).isEqualTo(path);
    boolean byNumber = Integer.valueOf(HTTP_PORT).equals(action.getPort().getIntVal());
    boolean byName = "http-metrics".equals(action.getPort().getStrVal());
    assertThat(byNumber || byName).as(path + " probe on port " + HTTP_PORT).isTrue();
  }

  private static HasMetadata newInstance(Class<? extends HasMetadata> type) {
    try {
      return type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Cannot instantiate " + type.getName(), e);
    }
  }
}
