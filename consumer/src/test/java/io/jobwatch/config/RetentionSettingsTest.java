package io.jobwatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobwatch.JobwatchException;
import io.jobwatch.cli.JobwatchCommand;
import io.jobwatch.store.RetentionPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
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
  @DisplayName(
      "Weeks are ISO-8601 durations as in the contract (P1W, P1W2D): JOBWATCH_RETAIN_JOBS=P13W"
          + " keeps 91 days instead of stopping consume and every cron host's reports")
  void weeksAreRead() {
    RetentionPolicy policy =
        Settings.forConsumer(
                Map.of(
                    "JOBWATCH_RETAIN_EVENTS", "P2W",
                    "JOBWATCH_RETAIN_JOBS", "P13W",
                    "JOBWATCH_RETAIN_DEAD_LETTERS", "P1W2D",
                    "JOBWATCH_RETAIN_TOMBSTONES", "P52WT12H"))
            .retention();
    assertThat(policy.events()).isEqualTo(Duration.ofDays(14));
    assertThat(policy.jobs()).isEqualTo(Duration.ofDays(91));
    assertThat(policy.deadLetters()).isEqualTo(Duration.ofDays(9));
    assertThat(policy.tombstones()).isEqualTo(Duration.ofDays(364).plusHours(12));
  }

  @Test
  @DisplayName(
      "Years and months are ISO-8601 too, but of no fixed length: refused saying so, not as"
          + " 'not an ISO-8601 duration'")
  void yearsAndMonthsAreRefusedSayingWhy() {
    assertThatThrownBy(() -> Settings.forConsumer(Map.of("JOBWATCH_RETAIN_TOMBSTONES", "P1Y")))
        .isInstanceOf(JobwatchException.class)
        .hasMessage(
            "JOBWATCH_RETAIN_TOMBSTONES must be in weeks, days, hours, minutes and seconds"
                + " (years and months have no fixed length; P365D for a year), not 'P1Y'");
    assertThatThrownBy(() -> Settings.forConsumer(Map.of("JOBWATCH_RETAIN_JOBS", "P3M")))
        .isInstanceOf(JobwatchException.class)
        .hasMessageStartingWith("JOBWATCH_RETAIN_JOBS must be in weeks, days");
    assertThatThrownBy(() -> Settings.forConsumer(Map.of("JOBWATCH_RETAIN_JOBS", "30d")))
        .isInstanceOf(JobwatchException.class)
        .hasMessage(
            "JOBWATCH_RETAIN_JOBS must be an ISO-8601 duration such as PT10M, P30D or P2W, not"
                + " '30d'");
  }

  @Test
  @DisplayName("A retention of zero would delete everything at once and is refused")
  void zeroRetentionIsRefused() {
    assertThatThrownBy(() -> Settings.forConsumer(Map.of("JOBWATCH_RETAIN_JOBS", "PT0S")))
        .isInstanceOf(io.jobwatch.JobwatchException.class)
        .hasMessage("JOBWATCH_RETAIN_JOBS must be above zero, not PT0S");
  }

  @Test
  @DisplayName(
      "A retention of zero or a negative interval is a setting error naming the variable for"
          + " every command that reads the settings, not an IllegalArgumentException")
  void aRetentionOutOfRangeIsASettingErrorNamingTheVariable() {
    Map<String, String> refused =
        Map.of(
            "JOBWATCH_RETAIN_EVENTS", "P0D",
            "JOBWATCH_RETAIN_JOBS", "-P1D",
            "JOBWATCH_RETAIN_DEAD_LETTERS", "PT0S",
            "JOBWATCH_RETAIN_TOMBSTONES", "-PT1H",
            "JOBWATCH_RETENTION_INTERVAL", "-PT1H");
    refused.forEach(
        (name, value) ->
            assertThatThrownBy(() -> Settings.fromEnvironment(Map.of(name, value)))
                .as(name)
                .isInstanceOf(JobwatchException.class)
                .hasMessageStartingWith(name + " must be "));
  }

  @Test
  @DisplayName(
      "jobwatch retention with JOBWATCH_RETAIN_EVENTS=P0D fails with one line naming the"
          + " variable, not a stack trace")
  void retentionCommandRefusesAZeroRetentionInOneLine() {
    StringWriter err = new StringWriter();
    int exit =
        JobwatchCommand.commandLine(
                Map.of(
                    "JOBWATCH_RETAIN_EVENTS",
                    "P0D",
                    "JOBWATCH_DB_URL",
                    "jdbc:postgresql://127.0.0.1:9/jobwatch"))
            .setOut(new PrintWriter(new StringWriter()))
            .setErr(new PrintWriter(err))
            .execute("retention", "--dry-run");
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("jobwatch: JOBWATCH_RETAIN_EVENTS must be above zero, not PT0S\n");
  }
}
