package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobwatch.testing.Database;
import io.jobwatch.testing.SecureInfra;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: secure transport proven, not only documented. The consumer runs as in production
 * ({@code java -jar jobwatch.jar consume}, configured by environment only) against a broker that it
 * can reach only over SASL_SSL with SCRAM-SHA-512 and a PostgreSQL that takes TCP only over TLS,
 * which it verifies with {@code sslmode=verify-full}. Certificates are made by the test. Controls
 * show that each check can fail: a plaintext, an untrusted or a wrongly authenticated client is
 * refused.
 */
class SecureTransportIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName(
      "The consumer folds events read over SASL_SSL (SCRAM) into PostgreSQL reached with"
          + " sslmode=verify-full, configured only by its environment, logging JSON without secrets")
  void consumesOverSecureTransport() throws Exception {
    try (SecureInfra infra = SecureInfra.start()) {
      String lifecycle = infra.newTopic("lifecycle", 1);
      String errors = infra.newTopic("errors", 1);
      String dbPassword = SecureInfra.secret();
      Database db = infra.newDatabase("jobwatch_app", dbPassword);
      String verifyFull =
          db.jdbcUrl() + "?sslmode=verify-full&sslrootcert=" + infra.caCertificate();

      databaseRefusesWhatIsNotTlsWithTheRightPassword(infra, db, verifyFull);
      brokerRefusesWhatIsNotSaslSslWithTheRightPassword(infra);
      long authenticationsBefore = saslSslAuthentications();

      Map<String, String> env = new HashMap<>();
      env.put("JOBWATCH_KAFKA_BOOTSTRAP", infra.kafkaSaslSslBootstrap());
      kafkaClientSettings(infra, infra.scramPassword(), infra.caCertificate())
          .forEach((property, value) -> env.put(environmentName(property), value));
      // The password rides in the URL here, so the test also sees it masked in every log line.
      env.put("JOBWATCH_DB_URL", verifyFull + "&password=" + dbPassword);
      env.put("JOBWATCH_DB_USER", db.user());
      env.put("JOBWATCH_LIFECYCLE_TOPIC", lifecycle);
      env.put("JOBWATCH_ERRORS_TOPIC", errors);
      env.put("JOBWATCH_GROUP_ID", "secure-it");
      env.put("JOBWATCH_HTTP_PORT", "0");
      env.put("JOBWATCH_HTTP_BIND", "127.0.0.1");
      env.put("JOBWATCH_LOG_FORMAT", "json");
      env.put("JOBWATCH_LOG_LEVEL", "DEBUG");

      Jdbi superuser = Jdbi.create(infra.superuser(db).jdbcUrl(), "postgres", "postgres");
      try (ConsumerJvm consumer = new ConsumerJvm(env);
          KafkaProducer<byte[], byte[]> producer = plaintextProducer(infra)) {
        String job = "job-secure-1";
        send(
            producer,
            lifecycle,
            job,
            "job.submitted",
            T0,
            "\"service\":\"blast\",\"runner\":\"slurm\"");
        send(
            producer,
            lifecycle,
            job,
            "job.started",
            T0.plusSeconds(2),
            "\"runner\":\"slurm\",\"attempt\":1");
        send(
            producer,
            lifecycle,
            job,
            "job.finished",
            T0.plusSeconds(9),
            "\"attempt\":1,\"exit_code\":0");
        producer.flush();

        try {
          Harness.await(
              "the job to be folded over secure transport",
              Duration.ofSeconds(180),
              () -> {
                assertThat(consumer.isAlive()).as(consumer.output()).isTrue();
                // The consumer migrates the schema first; until then there is no jobs table.
                return count(superuser, "SELECT count(*) FROM pg_tables WHERE tablename = 'jobs'")
                        == 1
                    && count(superuser, "SELECT count(*) FROM jobs WHERE state = 'succeeded'") == 1;
              });
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "; consumer output:\n" + consumer.output(), e);
        }

        assertThat(count(superuser, "SELECT count(*) FROM job_events")).isEqualTo(3);
        assertThat(count(superuser, "SELECT count(*) FROM dead_letters")).isZero();
        String consumerSessions =
            "SELECT count(*) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)"
                + " WHERE a.usename = 'jobwatch_app' AND a.datname = current_database()";
        assertThat(count(superuser, consumerSessions + " AND s.ssl")).isPositive();
        assertThat(count(superuser, consumerSessions + " AND NOT s.ssl")).isZero();
        assertThat(saslSslAuthentications())
            .as("SASL_SSL authentications by the consumer")
            .isGreaterThan(authenticationsBefore);

        List<JsonNode> lines = jsonLines(consumer.output());
        assertThat(lines)
            .anySatisfy(
                line -> {
                  assertThat(line.path("level").asText()).isEqualTo("INFO");
                  assertThat(line.path("loggerName").asText()).endsWith("JobwatchApp");
                  assertThat(line.path("formattedMessage").asText())
                      .startsWith("starting with")
                      .contains("password=***");
                });
        assertThat(consumer.output())
            .doesNotContain(dbPassword)
            .doesNotContain(infra.scramPassword());
      }
    }
  }

  private static void databaseRefusesWhatIsNotTlsWithTheRightPassword(
      SecureInfra infra, Database db, String verifyFull) throws SQLException {
    assertThatThrownBy(() -> connect(db.jdbcUrl() + "?sslmode=disable", db.user(), db.password()))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("no encryption");
    assertThatThrownBy(
            () ->
                connect(
                    db.jdbcUrl()
                        + "?sslmode=verify-full&sslrootcert="
                        + infra.untrustedCaCertificate(),
                    db.user(),
                    db.password()))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("SSL");
    assertThatThrownBy(() -> connect(verifyFull, db.user(), "wrong-" + db.password()))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
    try (Connection connection = connect(verifyFull, db.user(), db.password())) {
      var result =
          connection
              .createStatement()
              .executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
      assertThat(result.next()).isTrue();
      assertThat(result.getBoolean(1)).isTrue();
    }
  }

  private static void brokerRefusesWhatIsNotSaslSslWithTheRightPassword(SecureInfra infra)
      throws Exception {
    assertThatThrownBy(() -> describeCluster(infra, "wrong-password", infra.caCertificate()))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SaslAuthenticationException.class);
    assertThatThrownBy(
            () -> describeCluster(infra, infra.scramPassword(), infra.untrustedCaCertificate()))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SslAuthenticationException.class);
    assertThat(describeCluster(infra, infra.scramPassword(), infra.caCertificate())).isOne();
  }

  private static int describeCluster(SecureInfra infra, String password, Path trustedCa)
      throws Exception {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaSaslSslBootstrap());
    properties.putAll(kafkaClientSettings(infra, password, trustedCa));
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    try (Admin admin = Admin.create(properties)) {
      return admin.describeCluster().nodes().get(20, TimeUnit.SECONDS).size();
    }
  }

  /** What an operator sets for SASL_SSL with SCRAM: Kafka client properties. */
  private static Map<String, String> kafkaClientSettings(
      SecureInfra infra, String password, Path trustedCa) {
    return Map.of(
        "security.protocol", "SASL_SSL",
        "sasl.mechanism", "SCRAM-SHA-512",
        "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + infra.scramUser()
                + "\" password=\""
                + password
                + "\";",
        "ssl.truststore.type", "PEM",
        "ssl.truststore.location", trustedCa.toString());
  }

  /** {@code sasl.jaas.config} as {@code JOBWATCH_KAFKA_SASL_JAAS_CONFIG} (README). */
  private static String environmentName(String property) {
    return "JOBWATCH_KAFKA_" + property.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
  }

  /** Successful authentications on the broker's SASL_SSL listener (it runs in this JVM). */
  private static long saslSslAuthentications() throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    long total = 0;
    for (ObjectName name :
        server.queryNames(
            new ObjectName("kafka.server:type=socket-server-metrics,listener=SASL_SSL,*"), null)) {
      // Per network processor; the listener-wide bean has other attributes.
      for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
        if (attribute.getName().equals("successful-authentication-total")) {
          total += ((Number) server.getAttribute(name, attribute.getName())).longValue();
        }
      }
    }
    return total;
  }

  private static Connection connect(String url, String user, String password) throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  private static long count(Jdbi jdbi, String sql) {
    return jdbi.withHandle(handle -> handle.createQuery(sql).mapTo(Long.class).one());
  }

  private static KafkaProducer<byte[], byte[]> plaintextProducer(SecureInfra infra) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaPlaintextBootstrap());
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(properties);
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      String job,
      String type,
      Instant time,
      String moreData) {
    String data = "{\"job_id\":\"" + job + "\"," + moreData + "}";
    producer.send(
        new ProducerRecord<>(
            topic,
            job.getBytes(StandardCharsets.UTF_8),
            Envelopes.event(type, time, data).getBytes(StandardCharsets.UTF_8)));
  }

  /** Every line of the output is one JSON object (JOBWATCH_LOG_FORMAT=json). */
  private static List<JsonNode> jsonLines(String output) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = JSON.readTree(line);
      assertThat(node.isObject()).as(line).isTrue();
      lines.add(node);
    }
    assertThat(lines).isNotEmpty();
    return lines;
  }

  /** {@code java -jar target/jobwatch.jar consume} with exactly the given JOBWATCH_* variables. */
  private static final class ConsumerJvm implements AutoCloseable {
    private final java.lang.Process process;
    private final Path log;

    ConsumerJvm(Map<String, String> environment) throws IOException {
      Path jar = Path.of("target", "jobwatch.jar").toAbsolutePath();
      if (!Files.exists(jar)) {
        throw new IllegalStateException(jar + " is missing: integration tests run after package");
      }
      log = Files.createTempFile("jobwatch-secure", ".log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder =
          new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "consume")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("JOBWATCH_"));
      builder.environment().remove("JAVA_TOOL_OPTIONS");
      builder.environment().putAll(environment);
      process = builder.start();
    }

    boolean isAlive() {
      return process.isAlive();
    }

    String output() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "(no output: " + e + ")";
      }
    }

    @Override
    public void close() throws IOException {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      Files.deleteIfExists(log);
    }
  }
}
