package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.kafka.ConsumerLoop;
import io.jobwatch.kafka.KafkaRecordDecoder;
import io.jobwatch.kafka.PipelineListener;
import io.jobwatch.pipeline.BatchWriter;
import io.jobwatch.store.Database;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 10.1: no record can stall a partition. Each test puts a poison record between good ones on
 * one partition and checks that only it is dead-lettered, with its reason and original key, that
 * the records after it are applied, and that readiness never dropped.
 */
@WithInfra
class PoisonIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  @DisplayName(
      "A monitor declared every P9999999999999D is dead-lettered; the partition moves on and /readyz stays 200")
  void absurdMonitorIntervalIsDeadLettered(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer to be ready", WAIT, app::isReady);
      try (ReadinessWatch watch = new ReadinessWatch(app::isReady)) {
        submitJobs(harness, "before", 5);
        declare(harness, "absurd", "P9999999999999D");
        declare(harness, "hourly", "PT1H");
        submitJobs(harness, "after", 5);
        harness.flush();
        awaitOffsets(harness, 12);

        assertThat(watch.wasAlwaysReady()).as("readiness never dropped").isTrue();
      }
      assertThat(readyz(app)).isEqualTo(200);
      assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(10);
      assertThat(harness.count("SELECT count(*) FROM monitors WHERE monitor = 'hourly'"))
          .isEqualTo(1);
      assertThat(harness.count("SELECT count(*) FROM monitors WHERE monitor = 'absurd'")).isZero();
      Map<String, Object> letter =
          harness.row(
              "SELECT kafka_offset, convert_from(record_key, 'UTF8') AS record_key, reason"
                  + " FROM dead_letters");
      assertThat(letter.get("kafka_offset")).isEqualTo(5L);
      assertThat(letter.get("record_key")).isEqualTo("absurd");
      assertThat((String) letter.get("reason")).isNotBlank();
    }
  }

  @Test
  @DisplayName(
      "An event whose job's stored history cannot be read back is dead-lettered with that reason; the partition moves on")
  void unreadableStoredHistoryIsDeadLettered(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      try (JobwatchApp app = harness.startApp()) {
        Harness.await("the consumer to be ready", WAIT, app::isReady);
        harness.applyLifecycle(
            "job.submitted", T0, Map.of("job_id", "damaged", "service", "blast"));
      }
      // An operator's manual edit, or a contract change, left an envelope that is no event.
      harness
          .jdbi()
          .useHandle(
              handle ->
                  handle.execute(
                      "UPDATE job_events SET envelope = '{\"not\": \"an event\"}'::jsonb"
                          + " WHERE job_id = 'damaged'"));
      // Issue 11.3: an event in order folds onto the stored fold state without reading the
      // history; without that state (as after a migration) the history must be read back.
      harness
          .jdbi()
          .useHandle(
              handle -> handle.execute("DELETE FROM job_fold_state WHERE job_id = 'damaged'"));
      try (JobwatchApp app = harness.startApp()) {
        Harness.await("the consumer to be ready", WAIT, app::isReady);
        try (ReadinessWatch watch = new ReadinessWatch(app::isReady)) {
          submitJobs(harness, "before", 3);
          harness.lifecycleEvent(
              "job.started",
              T0.plusSeconds(60),
              Map.of("job_id", "damaged", "runner", "slurm", "attempt", 1));
          submitJobs(harness, "after", 3);
          harness.flush();
          awaitOffsets(harness, 1 + 7);
          assertThat(watch.wasAlwaysReady()).as("readiness never dropped").isTrue();
        }
        assertThat(readyz(app)).isEqualTo(200);
      }
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id LIKE 'before-%'"))
          .isEqualTo(3);
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id LIKE 'after-%'"))
          .isEqualTo(3);
      assertThat(harness.job("damaged").get("state")).isEqualTo("submitted");
      Map<String, Object> letter =
          harness.row(
              "SELECT kafka_offset, convert_from(record_key, 'UTF8') AS record_key, reason"
                  + " FROM dead_letters");
      assertThat(letter.get("kafka_offset")).isEqualTo(4L);
      assertThat(letter.get("record_key")).isEqualTo("damaged");
      assertThat((String) letter.get("reason"))
          .startsWith("processing this record failed")
          .contains("could not be read back");
    }
  }

  @Test
  @DisplayName(
      "A record whose fold throws, or which the database refuses as data, is dead-lettered; its neighbours are applied")
  void recordFaultsAreDeadLettered(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1)) {
      FaultyMonitorStep step = new FaultyMonitorStep();
      try (HookedConsumer consumer = new HookedConsumer(harness, step)) {
        FaultyMonitorStep.install(harness);
        Harness.await("the consumer to be ready", WAIT, consumer.loop::isReady);
        try (ReadinessWatch watch = new ReadinessWatch(consumer.loop::isReady)) {
          submitJobs(harness, "a", 3);
          declare(harness, "throws-in-fold", "PT1H");
          submitJobs(harness, "b", 3);
          declare(harness, "sqlstate-22003-999", "PT1H");
          submitJobs(harness, "c", 3);
          harness.flush();
          awaitOffsets(harness, 11);
          assertThat(watch.wasAlwaysReady()).as("readiness never dropped").isTrue();
        }
      }
      assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(9);
      assertThat(harness.count("SELECT count(*) FROM monitors")).isZero();
      List<Map<String, Object>> letters =
          harness.rows(
              "SELECT kafka_offset, convert_from(record_key, 'UTF8') AS record_key, reason"
                  + " FROM dead_letters ORDER BY kafka_offset");
      assertThat(letters).hasSize(2);
      assertThat(letters.get(0).get("kafka_offset")).isEqualTo(3L);
      assertThat(letters.get(0).get("record_key")).isEqualTo("throws-in-fold");
      assertThat((String) letters.get(0).get("reason"))
          .startsWith("processing this record failed: java.lang.IllegalArgumentException")
          .contains("injected fault for throws-in-fold");
      assertThat(letters.get(1).get("kafka_offset")).isEqualTo(7L);
      assertThat(letters.get(1).get("record_key")).isEqualTo("sqlstate-22003-999");
      assertThat((String) letters.get(1).get("reason"))
          .startsWith("the database refused this event")
          .contains("injected fault 22003");
    }
  }

  @Test
  @DisplayName(
      "Deadlocks, serialization failures, lost connections and exhausted resources are retried, never dead-lettered")
  void transientDatabaseErrorsAreRetried(Infra infra) throws Exception {
    List<String> monitors =
        List.of("sqlstate-40P01-2", "sqlstate-40001-2", "sqlstate-08006-2", "sqlstate-53300-2");
    try (Harness harness = new Harness(infra, 1)) {
      FaultyMonitorStep step = new FaultyMonitorStep();
      try (HookedConsumer consumer = new HookedConsumer(harness, step)) {
        FaultyMonitorStep.install(harness);
        Harness.await("the consumer to be ready", WAIT, consumer.loop::isReady);
        for (String monitor : monitors) {
          submitJobs(harness, monitor, 2);
          declare(harness, monitor, "PT1H");
        }
        harness.flush();
        awaitOffsets(harness, 12);
        for (String monitor : monitors) {
          assertThat(step.attempts(monitor)).as("attempts of " + monitor).isGreaterThan(2);
        }
        Harness.await("readiness after the retries", WAIT, consumer.loop::isReady);
      }
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
      assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(8);
      assertThat(harness.rows("SELECT monitor FROM monitors ORDER BY monitor"))
          .extracting(row -> row.get("monitor"))
          .containsExactlyInAnyOrderElementsOf(monitors);
    }
  }

  /** The real consumer loop, database and decoder, with a hooked monitors step. */
  private static final class HookedConsumer implements AutoCloseable {
    final ConsumerLoop loop;
    private final Database database;

    HookedConsumer(Harness harness, FaultyMonitorStep step) {
      Settings settings = harness.settings();
      database = Database.open(settings.db(), settings.asyncCommit());
      database.migrate();
      EventDecoder decoder = new EventDecoder();
      loop =
          new ConsumerLoop(
              settings,
              database,
              new BatchWriter(settings.stagePolicy(), decoder::decodeStored, step),
              new KafkaRecordDecoder(decoder),
              PipelineListener.NONE,
              Clock.systemUTC());
      Thread thread = new Thread(loop, "hooked-consumer");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      loop.stop();
      try {
        loop.awaitFinished(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        database.close();
      }
    }
  }

  private static void submitJobs(Harness harness, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      String jobId = prefix + "-" + i;
      harness.lifecycleEvent(
          "job.submitted", T0.plusSeconds(i), Map.of("job_id", jobId, "service", "blast"));
    }
  }

  private static void declare(Harness harness, String monitor, String every) {
    harness.lifecycleEvent(
        "monitor.declared",
        T0,
        Map.of(
            "monitor",
            monitor,
            "team",
            "ops",
            "schedule",
            Map.of("every", every),
            "grace",
            "PT5M"));
  }

  private static void awaitOffsets(Harness harness, long records) {
    Harness.await(
        records + " records handled",
        WAIT,
        () ->
            harness.countOnceMigrated("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                == records);
  }

  private static int readyz(JobwatchApp app) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/readyz"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.statusCode();
  }
}
