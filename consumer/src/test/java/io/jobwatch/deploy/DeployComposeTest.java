package io.jobwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Offline checks of deploy/compose.yaml: schema, referenced files, wiring; not thread-safe. */
class DeployComposeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = DeployFiles.repositoryRoot();
  private static final Path COMPOSE_FILE = ROOT.resolve("deploy/compose.yaml");

  /**
   * Reads YAML the way Compose does, resolving anchors, aliases and {@code <<} merge keys
   * (SnakeYAML does; Jackson's YAML parser would keep {@code <<} as a literal key).
   */
  private static JsonNode readYaml(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file)) {
      Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
      return JSON.valueToTree(document);
    }
  }

  private static Set<ValidationMessage> validateAgainstComposeSpec(JsonNode compose)
      throws IOException {
    JsonNode schemaNode;
    try (InputStream in = Files.newInputStream(DeployFiles.testResource("compose-spec.json"))) {
      schemaNode = JSON.readTree(in);
    }
    // Compose's "format": "duration" means Go durations such as 10s, not ISO-8601 (PT10S), so
    // formats stay annotations; every structural keyword is still asserted.
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(false).build();
    // The snapshot declares "$schema" draft 2019-09 but names itself with the draft-04 keyword
    // "id";
    // registering that keyword as an annotation lets the 2019-09 meta-schema accept it.
    JsonMetaSchema metaSchema =
        JsonMetaSchema.builder(schemaNode.path("$schema").asText(), JsonMetaSchema.getV201909())
            .keyword(new NonValidationKeyword("id"))
            .build();
    JsonSchemaFactory factory =
        JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909))
            .metaSchema(metaSchema)
            .build();
    JsonSchema schema = factory.getSchema(schemaNode, config);
    return schema.validate(compose);
  }

  @Test
  @DisplayName("deploy/compose.yaml conforms to the Compose Specification schema")
  void composeFileConformsToTheComposeSpecification() throws IOException {
    assertThat(validateAgainstComposeSpec(readYaml(COMPOSE_FILE))).isEmpty();
  }

  @Test
  @DisplayName("The schema check rejects a compose file with a wrong type and an unknown key")
  void schemaCheckRejectsAnInvalidComposeFile() throws IOException {
    Set<ValidationMessage> errors =
        validateAgainstComposeSpec(readYaml(DeployFiles.testResource("invalid-compose.yaml")));

    assertThat(errors)
        .extracting(ValidationMessage::getMessage)
        .anySatisfy(message -> assertThat(message).contains("image"))
        .anySatisfy(message -> assertThat(message).contains("restart_policy"));
  }

  @Test
  @DisplayName(
      "Every file or directory the compose file builds from or mounts exists in the repository")
  void everyBuildContextAndBindMountExists() throws IOException {
    JsonNode compose = readYaml(COMPOSE_FILE);
    Path base = COMPOSE_FILE.getParent();
    List<String> problems = new ArrayList<>();
    List<String> checked = new ArrayList<>();

    for (Iterator<Map.Entry<String, JsonNode>> services =
            compose.path("services").properties().iterator();
        services.hasNext(); ) {
      Map.Entry<String, JsonNode> service = services.next();
      String name = service.getKey();
      JsonNode build = service.getValue().path("build");
      if (build.isTextual() || build.isObject()) {
        String context = build.isTextual() ? build.asText() : build.path("context").asText(".");
        Path contextDir = base.resolve(context).normalize();
        requireInside(name + " build context", contextDir, problems);
        requireDirectory(name + " build context", contextDir, problems);
        String dockerfile = build.path("dockerfile").asText("Dockerfile");
        requireFile(name + " Dockerfile", contextDir.resolve(dockerfile).normalize(), problems);
        checked.add(contextDir.resolve(dockerfile).toString());
      }
      for (JsonNode file : listOf(service.getValue().path("env_file"))) {
        requireFile(name + " env_file", base.resolve(file.asText()).normalize(), problems);
      }
      for (JsonNode volume : service.getValue().path("volumes")) {
        BindMount mount = BindMount.of(volume);
        if (mount == null) {
          continue; // a named volume or tmpfs: nothing in the repository to check
        }
        Path source = base.resolve(mount.source()).normalize();
        String what = name + " mount " + mount.source() + " -> " + mount.target();
        requireInside(what, source, problems);
        if (looksLikeAFile(mount.target())) {
          // Docker creates a missing bind source as an empty directory: the container would then
          // see a directory where it expects its configuration file.
          requireFile(what, source, problems);
        } else if (!Files.exists(source)) {
          problems.add(what + ": " + ROOT.relativize(source) + " does not exist");
        }
        checked.add(source.toString());
      }
    }
    for (String section : List.of("secrets", "configs")) {
      for (Iterator<Map.Entry<String, JsonNode>> entries =
              compose.path(section).properties().iterator();
          entries.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = entries.next();
        if (entry.getValue().has("file")) {
          Path file = base.resolve(entry.getValue().get("file").asText()).normalize();
          requireFile(section + "." + entry.getKey(), file, problems);
          checked.add(file.toString());
        }
      }
    }

    assertThat(checked).as("paths the compose file refers to").isNotEmpty();
    assertThat(problems).as("missing or misplaced paths").isEmpty();
  }

  @Test
  @DisplayName(
      "The stack has the broker, topics, database, two consumers and the monitoring services")
  void stackHasEveryService() throws IOException {
    JsonNode services = readYaml(COMPOSE_FILE).path("services");

    assertThat(iterable(services.fieldNames()))
        .contains(
            "kafka",
            "kafka-init",
            "postgres",
            "jobwatch-1",
            "jobwatch-2",
            "prometheus",
            "alertmanager",
            "grafana",
            "demo-publisher");
    assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:4.1.1");
    assertThat(services.path("postgres").path("image").asText()).startsWith("postgres:17");
    assertThat(services.path("postgres").path("healthcheck").path("test").isMissingNode())
        .isFalse();
    String topicScript = services.path("kafka-init").path("command").toString();
    assertThat(topicScript).contains("jobwatch.lifecycle", "jobwatch.errors", "--if-not-exists");
  }

  @Test
  @DisplayName("Both consumers get the run-time configuration and share one consumer group")
  void consumersAreConfiguredThroughTheRuntimeInterface() throws IOException {
    JsonNode services = readYaml(COMPOSE_FILE).path("services");

    for (String name : List.of("jobwatch-1", "jobwatch-2")) {
      JsonNode service = services.path(name);
      assertThat(service.path("build").isMissingNode()).as(name + " is built").isFalse();
      assertThat(iterable(service.path("environment").fieldNames()))
          .as(name + " environment")
          .contains(
              "JOBWATCH_KAFKA_BOOTSTRAP",
              "JOBWATCH_DB_URL",
              "JOBWATCH_DB_USER",
              "JOBWATCH_DB_PASSWORD",
              "JOBWATCH_HTTP_PORT",
              "JOBWATCH_GROUP_ID");
      assertThat(service.path("environment").path("JOBWATCH_DB_URL").asText())
          .startsWith("jdbc:postgresql://postgres:5432/");
      assertThat(service.path("ports").toString()).contains(":9464");
    }
    assertThat(services.path("jobwatch-1").path("environment").path("JOBWATCH_GROUP_ID"))
        .isEqualTo(services.path("jobwatch-2").path("environment").path("JOBWATCH_GROUP_ID"));
  }

  @Test
  @DisplayName("The broker writes its log (topics, offsets, KRaft metadata) to its named volume")
  void brokerDataLivesOnItsVolume() throws IOException {
    JsonNode kafka = readYaml(COMPOSE_FILE).path("services").path("kafka");
    List<String> volumeTargets = new ArrayList<>();
    kafka.path("volumes").forEach(entry -> volumeTargets.add(entry.asText().split(":")[1]));

    // apache/kafka's start script sets KAFKA_LOG_DIRS to /tmp/kraft-combined-logs when it is not
    // set, in the container's own layer: a recreated container (docker compose down, up
    // --force-recreate, a new image) then starts with empty topics while PostgreSQL keeps the
    // consumers' offsets of the old ones, and the volume mounted for the data stays empty.
    assertThat(volumeTargets).as("kafka volumes").isNotEmpty();
    assertThat(kafka.path("environment").path("KAFKA_LOG_DIRS").asText())
        .as("KAFKA_LOG_DIRS")
        .isIn(volumeTargets);
  }

  @Test
  @DisplayName(
      "The consumers' /tmp on their read-only root is a tmpfs that allows exec: the Kafka client"
          + " loads zstd and snappy from it to read compressed batches")
  void consumersTmpAllowsNativeLibraries() throws IOException {
    JsonNode services = readYaml(COMPOSE_FILE).path("services");

    for (String name : List.of("jobwatch-1", "jobwatch-2")) {
      JsonNode service = services.path(name);
      assertThat(service.path("read_only").asBoolean()).as(name + " read_only").isTrue();
      List<String> tmpfs = new ArrayList<>();
      JsonNode entries = service.path("tmpfs");
      if (entries.isTextual()) {
        tmpfs.add(entries.asText());
      } else {
        entries.forEach(entry -> tmpfs.add(entry.asText()));
      }
      // Docker mounts a tmpfs noexec unless told otherwise; zstd-jni and snappy-java extract
      // their native library to java.io.tmpdir and cannot map it from a noexec mount, so the
      // first batch a publisher compressed with zstd or snappy would stop the consumer.
      assertThat(tmpfs)
          .as(name + " tmpfs")
          .anySatisfy(
              entry -> {
                assertThat(entry).startsWith("/tmp:");
                assertThat(List.of(entry.substring("/tmp:".length()).split(",")))
                    .contains("exec")
                    .doesNotContain("noexec");
              });
    }
  }

  @Test
  @DisplayName(
      "PostgreSQL is healthy only once it listens on TCP, as the consumers connect: the image's"
          + " init server answers on its Unix socket alone")
  void databaseHealthcheckProbesTcp() throws IOException {
    JsonNode postgres = readYaml(COMPOSE_FILE).path("services").path("postgres");
    List<String> words = new ArrayList<>();
    postgres.path("healthcheck").path("test").forEach(word -> words.add(word.asText()));
    String command = String.join(" ", words);

    // On a fresh volume the postgres image's entrypoint runs a temporary server with
    // listen_addresses='' (Unix socket only) to create POSTGRES_DB, then stops it and starts the
    // real one. pg_isready without a host asks that socket and says "accepting connections", so
    // compose starts jobwatch-1 and jobwatch-2 (service_healthy) while port 5432 refuses: jobwatch
    // exits 1 on a database that does not answer (README). Over TCP the check waits for the real
    // server, which is what JOBWATCH_DB_URL reaches.
    assertThat(command).as("postgres healthcheck").contains("pg_isready");
    assertThat(command)
        .as("postgres healthcheck asks over TCP (-h 127.0.0.1), not the Unix socket")
        .containsPattern("(-h|--host)[ =](127\\.0\\.0\\.1|localhost)\\b");
  }

  @Test
  @DisplayName(
      "The consumers set no JVM options variable: the image's entrypoint has the heap flags, and"
          + " the JVM's 'Picked up JAVA_TOOL_OPTIONS' line would lead the JSON log")
  void consumersLeaveTheJvmOptionsToTheImage() throws IOException {
    JsonNode services = readYaml(COMPOSE_FILE).path("services");

    for (String name : List.of("jobwatch-1", "jobwatch-2")) {
      // The JVM writes "Picked up JAVA_TOOL_OPTIONS: ..." on stderr before jobwatch logs
      // anything (see DeployKubernetesTest.jvmOptionsAreTheImagesOwn).
      assertThat(iterable(services.path(name).path("environment").fieldNames()))
          .as(name + " environment")
          .doesNotContain("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
    }
  }

  @Test
  @DisplayName("Passwords come from the environment or an env file, never as literals")
  void passwordsAreInterpolatedNotInline() throws IOException {
    JsonNode services = readYaml(COMPOSE_FILE).path("services");
    List<String> inline = new ArrayList<>();

    for (Iterator<Map.Entry<String, JsonNode>> it = services.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> service = it.next();
      for (Iterator<Map.Entry<String, JsonNode>> env =
              service.getValue().path("environment").properties().iterator();
          env.hasNext(); ) {
        Map.Entry<String, JsonNode> variable = env.next();
        if (variable.getKey().contains("PASSWORD")
            && !variable.getValue().asText().startsWith("${")) {
          inline.add(service.getKey() + "." + variable.getKey());
        }
      }
    }
    assertThat(inline).as("passwords set inline").isEmpty();
  }

  private static boolean looksLikeAFile(String containerPath) {
    String leaf = containerPath.substring(containerPath.lastIndexOf('/') + 1);
    return leaf.matches(".+\\.(ya?ml|json|conf|ini|properties|txt)");
  }

  private static void requireInside(String what, Path path, List<String> problems) {
    if (!path.startsWith(ROOT)) {
      problems.add(what + ": " + path + " is outside the repository");
    }
  }

  private static void requireDirectory(String what, Path path, List<String> problems) {
    if (!Files.isDirectory(path)) {
      problems.add(what + ": " + path + " is not a directory");
    }
  }

  private static void requireFile(String what, Path path, List<String> problems) {
    if (!Files.isRegularFile(path)) {
      problems.add(what + ": " + path + " is not a file");
    }
  }

  private static List<JsonNode> listOf(JsonNode node) {
    List<JsonNode> items = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(items::add);
    } else if (!node.isMissingNode() && !node.isNull()) {
      items.add(node);
    }
    return items;
  }

  private static <T> List<T> iterable(Iterator<T> iterator) {
    List<T> items = new ArrayList<>();
    iterator.forEachRemaining(items::add);
    return items;
  }

  /** A service volume that binds a host path, in short ("./a:/b:ro") or long syntax. */
  private record BindMount(String source, String target) {

    /** The bind mount a volume entry describes, or null for named volumes and tmpfs. */
    static BindMount of(JsonNode volume) {
      if (volume.isTextual()) {
        String[] parts = volume.asText().split(":");
        if (parts.length < 2 || !isHostPath(parts[0])) {
          return null;
        }
        return new BindMount(parts[0], parts[1]);
      }
      if ("bind".equals(volume.path("type").asText())) {
        return new BindMount(volume.path("source").asText(), volume.path("target").asText());
      }
      return null;
    }

    private static boolean isHostPath(String source) {
      return source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
    }
  }
}
