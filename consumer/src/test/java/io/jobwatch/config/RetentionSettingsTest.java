package io.jobwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobwatch.store.RetentionPolicy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RetentionSettingsTest {

  @Test
  @DisplayName("Without settings, events and dead letters are kept 30 days and terminal jobs 90")
  void defaultsAreTheIssuesDefaults() {
    RetentionPolicy policy = Settings.fromEnvironment(Map.of()).retention();
    assertThat(policy.events()).isEqualTo(Duration.ofDays(30));
    assertThat(policy.jobs()).isEqualTo(Duration.ofDays(90));
    assertThat(policy.deadLetters()).isEqualTo(Duration.ofDays(30));
    assertThat(policy.tombstones()).isEqualTo(Duration.ofDays(400));
    assertThat(policy.interval()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  @DisplayName("JOBWATCH_RETAIN_* and JOBWATCH_RETENTION_INTERVAL are ISO-8601 durations")
  void readsEveryRetentionVariable() {
    RetentionPolicy policy =
        Settings.fromEnvironment(
                Map.of(
                    "JOBWATCH_RETAIN_EVENTS", "P7D",
                    "JOBWATCH_RETAIN_JOBS", "P14D",
                    "JOBWATCH_RETAIN_DEAD_LETTERS", "PT36H",
                    "JOBWATCH_RETAIN_TOMBSTONES", "P60D",
                    "JOBWATCH_RETENTION_INTERVAL", "PT0S"))
            .retention();
    assertThat(policy)
        .isEqualTo(
            new RetentionPolicy(
                Duration.ofDays(7),
                Duration.ofDays(14),
                Duration.ofHours(36),
                Duration.ofDays(60),
                Duration.ZERO,
                RetentionPolicy.DEFAULT_STEP,
                RetentionPolicy.DEFAULT_DAYS_AHEAD));
  }

  @Test
  @DisplayName("A retention of zero would delete everything at once and is refused")
  void zeroRetentionIsRefused() {
    assertThatThrownBy(() -> Settings.forConsumer(Map.of("JOBWATCH_RETAIN_JOBS", "PT0S")))
        .isInstanceOf(io.jobwatch.JobwatchException.class)
        .hasMessage("JOBWATCH_RETAIN_JOBS must be above zero, not PT0S");
  }
}
