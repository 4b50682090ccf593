package io.jobwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobwatch.JobwatchException;
import io.jobwatch.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The run-time interface: settings are refused with the variable named, exit codes, pass-through.
 */
class SettingsValidationTest {

  @Test
  @DisplayName(
      "A malformed duration setting is refused naming the variable (not a bare parse error)")
  void malformedDurationNamesTheVariable() {
    for (String name :
        new String[] {
          "JOBWATCH_STUCK_AFTER",
          "JOBWATCH_STATE_REFRESH",
          "JOBWATCH_MAX_CLOCK_SKEW",
          "JOBWATCH_LABEL_TTL",
          "JOBWATCH_RETAIN_EVENTS",
          "JOBWATCH_RETENTION_INTERVAL"
        }) {
      assertThatThrownBy(() -> Settings.forConsumer(Map.of(name, "10m")))
          .as(name)
          .isInstanceOf(JobwatchException.class)
          .hasMessageContaining(name);
    }
  }

  @Test
  @DisplayName("JOBWATCH_STATE_REFRESH of zero or less is refused at configuration, naming it")
  void nonPositiveStateRefreshIsRefused() {
    // JobwatchApp.start passes it to scheduleWithFixedDelay, which throws
    // IllegalArgumentException for a delay <= 0 after the schema was migrated and HTTP started.
    for (String value : new String[] {"PT0S", "PT-5S"}) {
      assertThatThrownBy(() -> Settings.forConsumer(Map.of("JOBWATCH_STATE_REFRESH", value)))
          .as(value)
          .isInstanceOf(JobwatchException.class)
          .hasMessageContaining("JOBWATCH_STATE_REFRESH");
    }
  }

  @Test
  @DisplayName("Negative durations (stuck-after, clock skew, label TTL) are refused, naming them")
  void negativeDurationsAreRefused() {
    for (String name :
        new String[] {"JOBWATCH_STUCK_AFTER", "JOBWATCH_MAX_CLOCK_SKEW", "JOBWATCH_LABEL_TTL"}) {
      assertThatThrownBy(() -> Settings.forConsumer(Map.of(name, "PT-10M")))
          .as(name)
          .isInstanceOf(JobwatchException.class)
          .hasMessageContaining(name);
    }
  }

  @Test
  @DisplayName("A negative retention is refused naming the variable (not 'a retention must be…')")
  void negativeRetentionNamesTheVariable() {
    assertThatThrownBy(() -> Settings.forConsumer(Map.of("JOBWATCH_RETAIN_JOBS", "-P1D")))
        .isInstanceOf(JobwatchException.class)
        .hasMessageContaining("JOBWATCH_RETAIN_JOBS");
  }

  @Test
  @DisplayName("JOBWATCH_HTTP_PORT outside 0..65535 is refused naming the variable")
  void httpPortOutOfRange() {
    for (String value : new String[] {"70000", "-1"}) {
      assertThatThrownBy(() -> Settings.forConsumer(Map.of("JOBWATCH_HTTP_PORT", value)))
          .as(value)
          .isInstanceOf(JobwatchException.class)
          .hasMessageContaining("JOBWATCH_HTTP_PORT");
    }
  }

  @Test
  @DisplayName("Pool size and poll size below 1 are refused naming the variable")
  void sizesBelowOneAreRefused() {
    // JOBWATCH_DB_POOL_SIZE=0: HikariConfig 'maxPoolSize cannot be less than 1' at start;
    // JOBWATCH_MAX_POLL_RECORDS=0: Kafka ConfigException on the consumer thread, which dies.
    for (String name : new String[] {"JOBWATCH_DB_POOL_SIZE", "JOBWATCH_MAX_POLL_RECORDS"}) {
      assertThatThrownBy(() -> Settings.forConsumer(Map.of(name, "0")))
          .as(name)
          .isInstanceOf(JobwatchException.class)
          .hasMessageContaining(name);
    }
  }

  @Test
  @DisplayName("A bad setting ends the CLI with one line naming the variable, exit != 0, no trace")
  void configurationErrorIsOneLine() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.execute(
            new String[] {"healthcheck"},
            Map.of("JOBWATCH_HTTP_PORT", "abc"),
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains("JOBWATCH_HTTP_PORT");
    assertThat(err.toString())
        .as("stderr was:%n%s", err)
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
  }

  private static Properties consumerProperties(Settings settings) throws Exception {
    Class<?> type = Class.forName("io.jobwatch.kafka.ConsumerProperties");
    Method of = type.getDeclaredMethod("of", Settings.class);
    of.setAccessible(true);
    return (Properties) of.invoke(null, settings);
  }

  @Test
  @DisplayName(
      "JOBWATCH_KAFKA_<P> of a property jobwatch's guarantees rest on is refused, naming it and"
          + " what to use instead")
  void passThroughCannotOverrideGuarantees() {
    Map<String, String> reserved =
        Map.of(
            "JOBWATCH_KAFKA_ENABLE_AUTO_COMMIT", "true",
            "JOBWATCH_KAFKA_ISOLATION_LEVEL", "read_uncommitted",
            "JOBWATCH_KAFKA_AUTO_OFFSET_RESET", "latest",
            "JOBWATCH_KAFKA_GROUP_ID", "other-group",
            "JOBWATCH_KAFKA_BOOTSTRAP_SERVERS", "elsewhere:9092",
            "JOBWATCH_KAFKA_MAX_POLL_RECORDS", "10",
            "JOBWATCH_KAFKA_VALUE_DESERIALIZER",
                "org.apache.kafka.common.serialization.StringDeserializer");
    reserved.forEach(
        (name, value) ->
            assertThatThrownBy(() -> Settings.forConsumer(Map.of(name, value)))
                .as(name)
                .isInstanceOf(JobwatchException.class)
                .hasMessageStartingWith(name + " is not passed to the Kafka client"));
    assertThatThrownBy(() -> Settings.forConsumer(Map.of("JOBWATCH_KAFKA_GROUP_ID", "other-group")))
        .hasMessageContaining("JOBWATCH_GROUP_ID");
  }

  @Test
  @DisplayName(
      "The publishing side (run, emit) reads the same environment without the consumer's checks:"
          + " a consumer-only setting never stops a cron job from reporting")
  void publishersIgnoreConsumerOnlyChecks() {
    Map<String, String> shared =
        Map.of(
            "JOBWATCH_KAFKA_ISOLATION_LEVEL", "read_committed",
            "JOBWATCH_STAGE_ERROR_THRESHOLD", "3",
            "JOBWATCH_STUCK_AFTER", "PT-1M",
            "JOBWATCH_MAX_LABEL_VALUES", "0");
    Settings settings = Settings.fromEnvironment(shared);
    assertThat(settings.kafkaOverrides()).containsEntry("isolation.level", "read_committed");
    assertThatThrownBy(() -> Settings.forConsumer(shared))
        .isInstanceOf(JobwatchException.class)
        .hasMessageStartingWith("JOBWATCH_MAX_LABEL_VALUES must be at least 1");
  }

  @Test
  @DisplayName("Every default passes its own validation, and in-range values are taken")
  void inRangeValuesAreTaken() {
    Settings settings =
        Settings.forConsumer(
            Map.of(
                "JOBWATCH_HTTP_PORT", "0",
                "JOBWATCH_RETENTION_INTERVAL", "PT0S",
                "JOBWATCH_STUCK_AFTER", "PT0S",
                "JOBWATCH_STATE_REFRESH", "PT1S",
                "JOBWATCH_HISTORY_CACHE_MB", "0"));
    assertThat(settings.httpPort()).isZero();
    assertThat(settings.stateRefresh()).hasSeconds(1);
  }

  @Test
  @DisplayName("TLS/SASL pass-through names map to the dotted Kafka property names")
  void passThroughMapping() throws Exception {
    Settings settings =
        Settings.fromEnvironment(
            Map.of(
                "JOBWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "JOBWATCH_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "JOBWATCH_KAFKA_SASL_JAAS_CONFIG", "x required password=\"s3cret\";",
                "JOBWATCH_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/ca.pem",
                "JOBWATCH_KAFKA_SSL_KEY_PASSWORD", "keypw"));
    Properties properties = consumerProperties(settings);
    assertThat(properties)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", "x required password=\"s3cret\";")
        .containsEntry("ssl.truststore.location", "/etc/ca.pem")
        .containsEntry("ssl.key.password", "keypw");
    assertThat(properties).doesNotContainKey("bootstrap");
    assertThat(settings.toString()).doesNotContain("s3cret").doesNotContain("keypw");
    // Every mapped name is a known consumer config (no typo'd mapping)
    for (String name : new String[] {"security.protocol", "sasl.jaas.config", "ssl.key.password"}) {
      assertThat(ConsumerConfig.configNames()).contains(name);
    }
  }

  @Test
  @DisplayName(
      "Partitions added to a topic are noticed within 30 s, not the client's 5 minutes (records"
          + " there are otherwise invisible to lag and to the monitors' watermark); overridable")
  void newPartitionsAreNoticedSoon() throws Exception {
    Properties properties = consumerProperties(Settings.fromEnvironment(Map.of()));
    assertThat(properties.getProperty(ConsumerConfig.METADATA_MAX_AGE_CONFIG)).isEqualTo("30000");
    assertThat(properties.getProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG)).isEqualTo("none");
    Properties overridden =
        consumerProperties(
            Settings.fromEnvironment(Map.of("JOBWATCH_KAFKA_METADATA_MAX_AGE_MS", "60000")));
    assertThat(overridden.getProperty(ConsumerConfig.METADATA_MAX_AGE_CONFIG)).isEqualTo("60000");
  }

  @Test
  @DisplayName("Defaults are as documented")
  void defaults() {
    Settings settings = Settings.fromEnvironment(Map.of());
    assertThat(settings.httpPort()).isEqualTo(9464);
    assertThat(settings.groupId()).isEqualTo("jobwatch");
    assertThat(settings.kafkaBootstrap()).isEqualTo("localhost:9092");
    assertThat(settings.db().jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/jobwatch");
    assertThat(settings.db().user()).isEqualTo("jobwatch");
  }

  @Test
  @DisplayName(
      "JOBWATCH_DB_ASYNC_COMMIT other than true or false (off, 0, no) is refused naming it, not"
          + " read as true: an operator asking for synchronous commits would silently get async")
  void asyncCommitTakesOnlyTrueOrFalse() {
    for (String value : new String[] {"off", "0", "no", "maybe"}) {
      assertThatThrownBy(() -> Settings.forConsumer(Map.of("JOBWATCH_DB_ASYNC_COMMIT", value)))
          .as(value)
          .isInstanceOf(JobwatchException.class)
          .hasMessageContaining("JOBWATCH_DB_ASYNC_COMMIT");
    }
    assertThat(Settings.forConsumer(Map.of("JOBWATCH_DB_ASYNC_COMMIT", "false")).asyncCommit())
        .isFalse();
    assertThat(Settings.forConsumer(Map.of("JOBWATCH_DB_ASYNC_COMMIT", "FALSE")).asyncCommit())
        .isFalse();
    assertThat(Settings.forConsumer(Map.of("JOBWATCH_DB_ASYNC_COMMIT", "true")).asyncCommit())
        .isTrue();
    assertThat(Settings.forConsumer(Map.of()).asyncCommit()).isTrue();
  }

  @Test
  @DisplayName(
      "JOBWATCH_ERROR_CLASSES takes a Go error type as stage_health shows it, with its leading *")
  void errorClassesTakeGoPointerTypesAsPublishersSendThem() {
    // An operator copies last_error_class ('*errors.StatusError', client-go's 429 or 503) into
    // the setting; publishers send it the same way.
    Settings settings =
        Settings.forConsumer(
            Map.of("JOBWATCH_ERROR_CLASSES", "*errors.StatusError, ImagePullBackOff"));
    var classifier = settings.stagePolicy().classifier();
    assertThat(classifier.classify("*errors.StatusError"))
        .isEqualTo(io.jobwatch.core.Severity.ERROR);
    assertThat(classifier.classify("errors.StatusError"))
        .isEqualTo(io.jobwatch.core.Severity.ERROR);
    assertThat(classifier.classify("ImagePullBackOff")).isEqualTo(io.jobwatch.core.Severity.ERROR);
    assertThat(classifier.classify("*errors.errorString"))
        .isEqualTo(io.jobwatch.core.Severity.FATAL);
  }
}
