package io.jobwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobwatch.JobwatchException;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 13's settings: HTTP bind address and the logging variables. */
class SettingsOperabilityTest {

  @Test
  @DisplayName("JOBWATCH_HTTP_BIND is read, blank by default (every interface)")
  void httpBind() {
    assertThat(Settings.fromEnvironment(Map.of()).httpBind()).isEmpty();
    Settings bound = Settings.fromEnvironment(Map.of("JOBWATCH_HTTP_BIND", " 10.0.0.7 "));
    assertThat(bound.httpBind()).isEqualTo("10.0.0.7");
    assertThat(bound.with("k:9092", bound.db(), "g", 0).httpBind()).isEqualTo("10.0.0.7");
    assertThat(bound.withTopics("a", "b").httpBind()).isEqualTo("10.0.0.7");
    assertThat(bound.toString()).contains("httpBind=10.0.0.7");
  }

  @Test
  @DisplayName("Known log formats and levels are accepted, a typo stops the process with a reason")
  void logSettingsAreChecked() {
    Settings.fromEnvironment(Map.of("JOBWATCH_LOG_FORMAT", "json", "JOBWATCH_LOG_LEVEL", "debug"));
    Settings.fromEnvironment(Map.of("JOBWATCH_LOG_FORMAT", "text", "JOBWATCH_LOG_LEVEL", "WARN"));
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("JOBWATCH_LOG_FORMAT", "JSON")))
        .isInstanceOf(JobwatchException.class)
        .hasMessageContaining("JOBWATCH_LOG_FORMAT");
    assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("JOBWATCH_LOG_LEVEL", "verbose")))
        .isInstanceOf(JobwatchException.class)
        .hasMessageContaining("JOBWATCH_LOG_LEVEL");
  }

  @Test
  @DisplayName("A password in the database URL never reaches the settings' text")
  void urlPasswordHidden() {
    Settings settings =
        Settings.fromEnvironment(
            Map.of(
                "JOBWATCH_DB_URL", "jdbc:postgresql://db/jobwatch?password=hunter2",
                "JOBWATCH_KAFKA_SASL_JAAS_CONFIG", "x required password=\"kafka-secret\";"));
    assertThat(settings.toString())
        .doesNotContain("hunter2")
        .doesNotContain("kafka-secret")
        .contains("sasl.jaas.config");
  }

  @Test
  @DisplayName(
      "A blank server list, topic, group id, database URL or user is the default, as a blank"
          + " number or duration is (a template's empty variable)")
  void blankTextSettingsAreTheirDefaults() {
    Settings blank =
        Settings.fromEnvironment(
            Map.of(
                "JOBWATCH_KAFKA_BOOTSTRAP", "",
                "JOBWATCH_LIFECYCLE_TOPIC", " ",
                "JOBWATCH_ERRORS_TOPIC", "",
                "JOBWATCH_GROUP_ID", "  ",
                "JOBWATCH_DB_URL", "",
                "JOBWATCH_DB_USER", ""));
    Settings unset = Settings.fromEnvironment(Map.of());

    assertThat(blank.kafkaBootstrap())
        .isEqualTo("localhost:9092")
        .isEqualTo(unset.kafkaBootstrap());
    assertThat(blank.lifecycleTopic()).isEqualTo("jobwatch.lifecycle");
    assertThat(blank.errorsTopic()).isEqualTo("jobwatch.errors");
    assertThat(blank.groupId()).isEqualTo("jobwatch");
    assertThat(blank.db().jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/jobwatch");
    assertThat(blank.db().user()).isEqualTo("jobwatch");
    assertThat(Settings.fromEnvironment(Map.of("JOBWATCH_GROUP_ID", " team-a ")).groupId())
        .isEqualTo("team-a");
  }
}
