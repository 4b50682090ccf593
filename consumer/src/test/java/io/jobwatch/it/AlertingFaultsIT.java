package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 10.2 and 10.4 through a real broker and database: what {@code /metrics} shows before,
 * during and after PostgreSQL or Kafka goes away. The alert rules (deploy/prometheus) read exactly
 * these series; their promtool tests replay the same shapes.
 */
@WithInfra
class AlertingFaultsIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final String RUNNER = "slurm";

  private static Map<String, Object> connectionError(String service) {
    return data(
        "service",
        service,
        "runner",
        RUNNER,
        "stage",
        "submit",
        "error_class",
        "ConnectionError",
        "message",
        "sbatch: connection refused");
  }

  @Test
  @DisplayName(
      "PostgreSQL stopped: /metrics keeps the last health and monitor values, the refresh"
          + " timestamp stalls and refresh errors count; after its restart the values move again")
  void databaseBlipKeepsTheLastValues(Infra infra) {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      String service = "blip";
      String[] ids = new String[3];
      for (int i = 0; i < 3; i++) {
        ids[i] = harness.stageEvent("stage.error", T0.plusSeconds(i), connectionError(service));
      }
      harness.awaitStored(ids);
      harness.applyLifecycle(
          "job.submitted", T0, data("job_id", "blip-1", "service", service, "runner", RUNNER));
      Instant declaredAt = Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);
      harness.applyLifecycle(
          "monitor.declared",
          declaredAt,
          data(
              "monitor",
              "blip-hourly",
              "team",
              "data",
              "schedule",
              data("every", "PT1H"),
              "grace",
              "PT10M"));

      app.refreshState();
      Scrape before = Scrape.metrics(app.httpPort());
      assertHealthAndMonitor(before, service);
      double lastRefresh = before.value("jobwatch_state_refresh_timestamp_seconds");
      assertThat(lastRefresh).isCloseTo(Instant.now().getEpochSecond(), within(10));
      assertThat(before.value("jobwatch_state_refresh_errors_total")).isZero();
      assertThat(before.value("jobwatch_exporter_active")).isEqualTo(1.0);

      Instant stopped = Instant.now();
      infra.stopDatabase();
      try {
        Harness.await(
            "a refresh to fail",
            Duration.ofSeconds(60),
            () -> Scrape.metrics(app.httpPort()).value("jobwatch_state_refresh_errors_total") > 0);
        Scrape firstFailure = Scrape.metrics(app.httpPort());
        double stalled = firstFailure.value("jobwatch_state_refresh_timestamp_seconds");
        assertThat(stalled).isBetween(lastRefresh, stopped.toEpochMilli() / 1000.0 + 1);
        app.refreshState();
        Harness.await("readiness to turn false", Duration.ofSeconds(60), () -> !app.isReady());
        Scrape during = Scrape.metrics(app.httpPort());
        assertHealthAndMonitor(during, service);
        assertThat(during.value("jobwatch_state_refresh_timestamp_seconds"))
            .as("the last successful refresh, unchanged while the database is away")
            .isEqualTo(stalled);
        assertThat(during.value("jobwatch_state_refresh_errors_total"))
            .isGreaterThan(firstFailure.value("jobwatch_state_refresh_errors_total"));
        assertThat(during.value("jobwatch_exporter_active")).isEqualTo(1.0);
        assertThat(during.value("jobwatch_ready")).isZero();
        assertSameSeries(before, during);
      } finally {
        infra.startDatabase();
      }

      Harness.await(
          "a refresh to succeed again",
          Duration.ofSeconds(60),
          () ->
              Scrape.metrics(app.httpPort()).value("jobwatch_state_refresh_timestamp_seconds")
                  > stopped.getEpochSecond() + 1);
      harness.applyStage(
          "stage.ok",
          T0.plusSeconds(10),
          data("service", service, "runner", RUNNER, "stage", "submit"));
      // Readiness returns at the consumer's next database check (every 5 s while idle) or after
      // the COMMIT of the batch above returned, neither of which its row waits for.
      Harness.await(
          "jobwatch_ready to return",
          Duration.ofSeconds(60),
          () -> Scrape.metrics(app.httpPort()).value("jobwatch_ready") == 1.0);
      app.refreshState();
      Scrape after = Scrape.metrics(app.httpPort());
      assertThat(after.value("jobwatch_service_health", "service", service)).isZero();
      assertThat(after.value("jobwatch_exporter_active")).isEqualTo(1.0);
      assertThat(after.value("jobwatch_ready")).isEqualTo(1.0);
    }
  }

  @Test
  @DisplayName(
      "Broker stopped: the age of the last broker answer grows while polls go on and nothing"
          + " commits; after its restart answers, commits and events resume")
  void brokerOutageShowsInTheKafkaClientMetrics(Infra infra) {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      harness.applyLifecycle(
          "job.submitted", T0, data("job_id", "broker-1", "service", "broker", "runner", RUNNER));
      // Not the client's heartbeat age: it reads -1 until the first heartbeat, and -1 < 10 let
      // this wait pass at once, after which the age never grew during the outage.
      Harness.await(
          "a broker answer within the last 5 s",
          Duration.ofSeconds(60),
          () -> brokerAnswerAge(Scrape.metrics(app.httpPort())) < 5);
      Scrape before = Scrape.metrics(app.httpPort());
      assertThat(before.samples("kafka_consumer_connections"))
          .singleElement()
          .satisfies(sample -> assertThat(sample.value()).isPositive());
      double nowSeconds = Instant.now().toEpochMilli() / 1000.0;
      assertThat(before.value("jobwatch_last_poll_timestamp_seconds"))
          .isCloseTo(nowSeconds, within(10));
      assertThat(before.value("jobwatch_last_commit_timestamp_seconds"))
          .isCloseTo(nowSeconds, within(60));

      harness.closeProducer();
      Instant stopped = Instant.now();
      infra.stopBroker();
      try {
        Harness.await(
            "the broker answer age to pass 15 s",
            Duration.ofSeconds(90),
            () -> brokerAnswerAge(Scrape.metrics(app.httpPort())) > 15);
        Scrape during = Scrape.metrics(app.httpPort());
        assertThat(during.value("jobwatch_last_poll_timestamp_seconds"))
            .as("the consumer thread still polls: it is the broker that is away")
            .isGreaterThan(stopped.getEpochSecond() + 10.0);
        assertThat(during.value("jobwatch_last_commit_timestamp_seconds"))
            .isLessThanOrEqualTo(stopped.toEpochMilli() / 1000.0);
        assertThat(during.value("jobwatch_ready"))
            .as("the database is fine, so readiness alone cannot show a broker outage")
            .isEqualTo(1.0);
      } finally {
        infra.startBroker();
      }

      Harness.await(
          "broker answers to resume",
          Duration.ofSeconds(120),
          () -> brokerAnswerAge(Scrape.metrics(app.httpPort())) < 10);
      harness.applyLifecycle(
          "job.started",
          T0.plusSeconds(5),
          data("job_id", "broker-1", "runner", RUNNER, "attempt", 1));
      // The commit time is recorded after the COMMIT returned, which the row does not wait for.
      Harness.await(
          "the commit after the outage to be recorded",
          Duration.ofSeconds(60),
          () ->
              Scrape.metrics(app.httpPort()).value("jobwatch_last_commit_timestamp_seconds")
                  > stopped.getEpochSecond() + 15.0);
      Scrape after = Scrape.metrics(app.httpPort());
      assertThat(after.value("jobwatch_last_commit_timestamp_seconds"))
          .isGreaterThan(stopped.getEpochSecond() + 15.0);
      assertThat(harness.job("broker-1")).containsEntry("state", "running");
    }
  }

  private static double brokerAnswerAge(Scrape scrape) {
    return Instant.now().toEpochMilli() / 1000.0
        - scrape.value("jobwatch_kafka_last_response_timestamp_seconds");
  }

  private static void assertHealthAndMonitor(Scrape scrape, String service) {
    assertThat(scrape.samples("jobwatch_service_health"))
        .as(
            "jobwatch_ lines of the scrape:%n%s",
            String.join("\n", scrape.text.lines().filter(l -> l.startsWith("jobwatch_")).toList()))
        .isNotEmpty();
    assertThat(scrape.value("jobwatch_service_health", "service", service)).isEqualTo(2.0);
    assertThat(
            scrape.value(
                "jobwatch_stage_health", "service", service, "runner", RUNNER, "stage", "submit"))
        .isEqualTo(2.0);
    assertThat(scrape.value("jobwatch_monitor_status", "monitor", "blip-hourly", "status", "down"))
        .isEqualTo(1.0);
    assertThat(scrape.value("jobwatch_jobs", "service", service, "state", "submitted"))
        .isEqualTo(1.0);
  }

  /** Both scrapes serve the same database-derived series with the same values. */
  private static void assertSameSeries(Scrape first, Scrape second) {
    for (String family :
        List.of(
            "jobwatch_service_health",
            "jobwatch_stage_health",
            "jobwatch_jobs",
            "jobwatch_monitor_status",
            "jobwatch_monitor_deadline_timestamp_seconds")) {
      assertThat(second.samples(family))
          .as(family)
          .isNotEmpty()
          .containsExactlyInAnyOrderElementsOf(first.samples(family));
    }
  }

  private static org.assertj.core.data.Offset<Double> within(double seconds) {
    return org.assertj.core.data.Offset.offset(seconds);
  }
}
