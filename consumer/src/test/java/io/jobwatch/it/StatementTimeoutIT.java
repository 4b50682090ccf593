package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.kafka.ConsumerLoop;
import io.jobwatch.kafka.KafkaRecordDecoder;
import io.jobwatch.kafka.PipelineListener;
import io.jobwatch.pipeline.BatchResult;
import io.jobwatch.pipeline.BatchWriter;
import io.jobwatch.pipeline.MonitorsWriter;
import io.jobwatch.store.Database;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A DBA's role-level {@code statement_timeout} shorter than a big batch's slowest statement. */
@WithInfra
class StatementTimeoutIT {
  private static final Map<String, String> NO_SCHEDULED_PASS =
      Map.of("JOBWATCH_RETENTION_INTERVAL", "PT0S");
  private static final Instant T0 =
      Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);

  @Test
  @DisplayName(
      "A batch whose insert outlasts the role's statement_timeout is written in smaller batches:"
          + " every event is applied, none is dead-lettered")
  void aBatchThatTimesOutIsWrittenInSmallerBatches(Infra infra) {
    try (Harness harness = new Harness(infra, 1, NO_SCHEDULED_PASS)) {
      slowBigInsertsUnderATimeout(harness, "1s");
      List<String> jobs = new ArrayList<>();
      List<String> events = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String job = "timeout-" + i + "-" + UUID.randomUUID();
        jobs.add(job);
        events.add(
            harness.lifecycleEvent(
                "job.submitted", T0, data("job_id", job, "service", "svc", "runner", "slurm")));
      }
      harness.flush();
      try (JobwatchApp app = harness.startApp()) {
        harness.awaitStored(events.toArray(String[]::new));
        assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
        for (String job : jobs) {
          assertThat(harness.job(job)).containsEntry("state", "submitted");
        }
        assertThat(harness.count("SELECT count(*) FROM job_events WHERE outcome = 'applied'"))
            .isEqualTo(8);
      }
    }
  }

  @Test
  @DisplayName(
      "Batches that keep timing out are halved for no longer than the budget, so the consumer"
          + " polls within max.poll.interval.ms and keeps its partition; the outage path then goes"
          + " on halving where it stopped: every event is applied once, none is dead-lettered")
  void halvingTimedOutBatchesStopsAtTheBudgetAndStillGetsThrough(Infra infra) throws Exception {
    Map<String, String> environment = new HashMap<>(NO_SCHEDULED_PASS);
    // Halving 64 records all the way costs 31 timeouts (15 s): far past this interval.
    environment.put("JOBWATCH_KAFKA_MAX_POLL_INTERVAL_MS", "10000");
    try (Harness harness = new Harness(infra, 1, environment)) {
      Settings settings = harness.settings();
      slowBigInsertsUnderATimeout(harness, "500ms");
      // Opened after the ALTER ROLE: its sessions have the timeout.
      try (Database database = Database.open(settings.db())) {
        List<String> jobs = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          String job = "budget-" + i + "-" + UUID.randomUUID();
          jobs.add(job);
          events.add(
              harness.lifecycleEvent(
                  "job.submitted", T0, data("job_id", job, "service", "svc", "runner", "slurm")));
        }
        harness.flush();
        List<TopicPartition> released = new CopyOnWriteArrayList<>();
        PipelineListener listener =
            new PipelineListener() {
              @Override
              public void committed(
                  BatchResult result, int records, Duration write, Duration commit) {}

              @Override
              public void readiness(boolean ready) {}

              @Override
              public void lag(Map<TopicPartition, Long> lagByPartition) {}

              @Override
              public void released(Collection<TopicPartition> partitions) {
                released.addAll(partitions);
              }
            };
        EventDecoder decoder = new EventDecoder();
        // A budget of 1 s: two levels of halves (a timeout costs 0.5 s) instead of 60 s' worth.
        ConsumerLoop loop =
            new ConsumerLoop(
                settings,
                database,
                new BatchWriter(
                    settings.stagePolicy(), decoder::decodeStored, new MonitorsWriter()),
                new KafkaRecordDecoder(decoder),
                listener,
                Clock.systemUTC(),
                Duration.ofSeconds(1));
        Thread thread = new Thread(loop, "budget-consumer");
        thread.setDaemon(true);
        thread.start();
        List<TopicPartition> releasedWhileConsuming;
        try {
          harness.awaitStored(events.toArray(String[]::new));
          releasedWhileConsuming = List.copyOf(released);
        } finally {
          loop.stop();
          loop.awaitFinished(Duration.ofSeconds(30));
        }
        assertThat(loop.failure()).isNull();
        assertThat(releasedWhileConsuming)
            .as("partitions taken away (max.poll.interval.ms exceeded)")
            .isEmpty();
        assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
        for (String job : jobs) {
          assertThat(harness.job(job)).containsEntry("state", "submitted");
        }
        assertThat(harness.count("SELECT count(*) FROM job_events WHERE outcome = 'applied'"))
            .isEqualTo(64);
        assertThat(harness.count("SELECT sum(next_offset) FROM consumer_offsets")).isEqualTo(64);
      }
    }
  }

  /**
   * Migrates the harness's database, makes inserting more than three events at once take 30 s (a
   * statement whose time grows with the batch) and gives the role {@code timeout} as its
   * statement_timeout in that database (sessions opened afterwards have it).
   */
  private static void slowBigInsertsUnderATimeout(Harness harness, String timeout) {
    try (Database database = Database.open(harness.settings().db())) {
      database.migrate();
    }
    harness
        .jdbi()
        .useHandle(
            handle -> {
              handle.execute(
                  "CREATE FUNCTION slow_big_inserts() RETURNS trigger LANGUAGE plpgsql AS $$"
                      + " BEGIN IF (SELECT count(*) FROM inserted) > 3 THEN"
                      + " PERFORM pg_sleep(30); END IF; RETURN NULL; END $$");
              handle.execute(
                  "CREATE TRIGGER slow_big_inserts AFTER INSERT ON job_events"
                      + " REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT"
                      + " EXECUTE FUNCTION slow_big_inserts()");
              String database =
                  handle.createQuery("SELECT current_database()").mapTo(String.class).one();
              handle.execute(
                  "ALTER ROLE CURRENT_USER IN DATABASE \""
                      + database
                      + "\" SET statement_timeout = '"
                      + timeout
                      + "'");
            });
  }
}
