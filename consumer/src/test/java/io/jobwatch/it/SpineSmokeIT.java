package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@WithInfra
class SpineSmokeIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  @DisplayName(
      "A job's events and a poison record flow from Kafka into the jobs and dead_letters tables")
  void eventsReachTheDatabase(Infra infra) {
    try (Harness harness = new Harness(infra, 2);
        JobwatchApp app = harness.startApp()) {
      String job = "job-smoke-1";
      harness.send(
          harness.lifecycle,
          job,
          Envelopes.event(
              "job.submitted",
              T0,
              "{\"job_id\":\"" + job + "\",\"service\":\"blast\",\"runner\":\"slurm\"}"));
      harness.send(
          harness.lifecycle,
          job,
          Envelopes.event(
              "job.started",
              T0.plusSeconds(5),
              "{\"job_id\":\"" + job + "\",\"runner\":\"slurm\",\"attempt\":1}"));
      harness.send(
          harness.lifecycle,
          job,
          Envelopes.event(
              "job.finished",
              T0.plusSeconds(9),
              "{\"job_id\":\"" + job + "\",\"attempt\":1,\"exit_code\":127}"));
      harness.send(harness.errors, "blast", "not json at all");
      harness.flush();

      Harness.await(
          "the job to crash",
          Duration.ofSeconds(60),
          () ->
              harness.count("SELECT count(*) FROM jobs WHERE state = 'crashed'") == 1
                  && harness.count("SELECT count(*) FROM dead_letters") == 1);

      Map<String, Object> row =
          harness.jdbi().withHandle(h -> h.createQuery("SELECT * FROM jobs").mapToMap().one());
      assertThat(row).containsEntry("blame", "platform").containsEntry("cause", "not_started");
      assertThat(
              harness.count(
                  "SELECT count(*) FROM stage_health WHERE stage = 'start' AND severity = 'warning'"))
          .isEqualTo(1);
      assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(3);
      assertThat(app.isReady()).isTrue();
    }
  }
}
