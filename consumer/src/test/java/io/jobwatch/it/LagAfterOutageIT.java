package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.FaultTest;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The shape of {@code jobwatch_consumer_lag} around a database outage, which
 * deploy/prometheus/tests/pipeline.test.yml replays for JobwatchLagGrowing: the consumer pauses its
 * partitions while PostgreSQL is away, and the Kafka client learns a paused partition's end offset
 * only from fetches, so the exported lag keeps its last value through the outage and jumps to the
 * backlog when the partitions resume.
 */
@WithInfra
class LagAfterOutageIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final int BACKLOG = 100;

  @FaultTest
  @Test
  @DisplayName(
      "PostgreSQL stopped: the lag of the paused partitions keeps its last value while more"
          + " records are published, and returns to zero once the backlog is applied")
  void lagKeepsItsLastValueWhileTheDatabaseIsAway(Infra infra) {
    try (Harness harness = new Harness(infra, 2);
        JobwatchApp app = harness.startApp()) {
      String first =
          harness.lifecycleEvent(
              "job.submitted", T0, data("job_id", "lag-0", "service", "lag", "runner", "slurm"));
      harness.awaitStored(first);
      Harness.await(
          "lag reported for both partitions, all consumed",
          Duration.ofSeconds(60),
          () -> {
            Scrape scrape = Scrape.metrics(app.httpPort());
            return scrape.samples("jobwatch_consumer_lag").size() == 4 && lagOf(scrape) == 0;
          });

      infra.stopDatabase();
      try {
        Harness.await("readiness to turn false", Duration.ofSeconds(60), () -> !app.isReady());
        // The first records polled fail to be written, and the partitions are paused.
        double before = publishAndPoll(harness, app, 1);
        double after = publishAndPoll(harness, app, BACKLOG + 1);
        assertThat(after)
            .as("lag of the paused partitions after %d more records were published", BACKLOG)
            .isEqualTo(before);
      } finally {
        infra.startDatabase();
      }

      Harness.await(
          "the backlog applied",
          Duration.ofSeconds(120),
          () ->
              harness.count("SELECT count(*) FROM jobs WHERE service = 'lag'") == 2 * BACKLOG + 1);
      Harness.await(
          "lag back at zero",
          Duration.ofSeconds(60),
          () -> lagOf(Scrape.metrics(app.httpPort())) == 0);
    }
  }

  /** Publishes BACKLOG jobs from {@code from} on, waits for polls after them, returns the lag. */
  private static double publishAndPoll(Harness harness, JobwatchApp app, int from) {
    for (int i = from; i < from + BACKLOG; i++) {
      harness.lifecycleEvent(
          "job.submitted",
          T0.plusSeconds(i),
          data("job_id", "lag-" + i, "service", "lag", "runner", "slurm"));
    }
    harness.flush();
    double flushedAt = Instant.now().toEpochMilli() / 1000.0;
    Harness.await(
        "polls after the records were published",
        Duration.ofSeconds(60),
        () ->
            Scrape.metrics(app.httpPort()).value("jobwatch_last_poll_timestamp_seconds")
                > flushedAt + 2);
    return lagOf(Scrape.metrics(app.httpPort()));
  }

  private static double lagOf(Scrape scrape) {
    return scrape.samples("jobwatch_consumer_lag").stream().mapToDouble(Scrape.Sample::value).sum();
  }
}
