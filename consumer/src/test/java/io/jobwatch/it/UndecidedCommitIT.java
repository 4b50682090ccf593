package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.kafka.ConsumerLoop;
import io.jobwatch.kafka.KafkaRecordDecoder;
import io.jobwatch.metrics.PipelineMetrics;
import io.jobwatch.pipeline.BatchWriter;
import io.jobwatch.pipeline.MonitorsWriter;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A commit without an answer that the database goes on showing "in progress": the consumer waits
 * for it only so long (2 minutes in production, 1 s here), then reads its records again.
 */
@WithInfra
class UndecidedCommitIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final Duration IN_PROGRESS_WAIT = Duration.ofSeconds(1);

  @Test
  @DisplayName(
      "A batch's commit cut without an answer while the server takes 8 s to commit it, past the"
          + " wait for undecided commits: the consumer reads the records again instead of waiting"
          + " for the commit; when the commit lands after all, the batch over them is fenced, and"
          + " every event is stored and counted once, none dead-lettered, consuming goes on")
  void commitStillInProgressPastTheWaitIsReadAgain(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        CommitCuttingProxy proxy =
            new CommitCuttingProxy(harness.database.jdbcUrl(), "UPDATE consumer_offsets")) {
      try (JobwatchApp app = harness.startApp()) {
        Harness.await("the schema", Duration.ofSeconds(60), app::isReady);
      }
      harness
          .jdbi()
          .useHandle(
              h -> {
                h.execute("CREATE TABLE test_slow_commits (remaining int NOT NULL)");
                h.execute("INSERT INTO test_slow_commits VALUES (1)");
                h.execute(
                    "CREATE FUNCTION test_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " BEGIN UPDATE test_slow_commits SET remaining = remaining - 1"
                        + " WHERE remaining > 0; IF FOUND THEN PERFORM pg_sleep(8); END IF;"
                        + " RETURN NULL; END $$");
                h.execute(
                    "CREATE CONSTRAINT TRIGGER test_slow_commit AFTER INSERT OR UPDATE"
                        + " ON consumer_offsets DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                        + " EXECUTE FUNCTION test_slow_commit()");
              });
      Settings settings =
          harness
              .settings()
              .with(
                  harness.infra.kafkaBootstrap(),
                  new DbConfig(
                      proxy.proxiedUrl(harness.database.jdbcUrl()),
                      harness.database.user(),
                      harness.database.password(),
                      4),
                  harness.group,
                  0);
      PipelineMetrics metrics =
          new PipelineMetrics(Clock.systemUTC(), List.of(harness.lifecycle, harness.errors));
      metrics.bindTo(new SimpleMeterRegistry());
      EventDecoder decoder = new EventDecoder();
      try (Database database = Database.open(settings.db())) {
        ConsumerLoop loop =
            new ConsumerLoop(
                settings,
                database,
                new BatchWriter(
                    settings.stagePolicy(), decoder::decodeStored, new MonitorsWriter()),
                new KafkaRecordDecoder(decoder),
                metrics,
                Clock.systemUTC(),
                Duration.ofSeconds(60), // production's budget for halving timed-out batches
                IN_PROGRESS_WAIT);
        Thread thread = new Thread(loop, "undecided-consumer");
        thread.setDaemon(true);
        thread.start();
        try {
          Harness.await("the consumer to be ready", Duration.ofSeconds(60), loop::isReady);
          proxy.cutNextCommitsWithoutWaiting(1);
          for (int i = 0; i < 30; i++) {
            harness.lifecycleEvent(
                "job.submitted",
                T0.plusSeconds(i),
                data("job_id", "undecided-" + i, "service", "blast", "runner", "slurm"));
          }
          harness.flush();
          Harness.await(
              "30 records consumed",
              Duration.ofSeconds(60),
              () ->
                  harness.count("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                      == 30);
          harness.lifecycleEvent(
              "job.submitted",
              T0.plusSeconds(60),
              data("job_id", "after", "service", "blast", "runner", "slurm"));
          harness.flush();
          Harness.await(
              "the record after them",
              Duration.ofSeconds(60),
              () ->
                  harness.count("SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                      == 31);
        } finally {
          loop.stop();
          loop.awaitFinished(Duration.ofSeconds(30));
        }
        assertThat(loop.failure()).isNull();
        assertThat(proxy.cutsDone()).as("commits cut").isEqualTo(1);
        assertThat(harness.count("SELECT remaining FROM test_slow_commits")).isZero();
        assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(31);
        assertThat(harness.count("SELECT count(DISTINCT event_id) FROM job_events")).isEqualTo(31);
        assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(31);
        assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
        assertThat(metrics.count(harness.lifecycle, Outcome.APPLIED))
            .as("jobwatch_events_total{outcome=applied}: the 30 committed late, and the one after")
            .isEqualTo(31.0);
        assertThat(metrics.count(harness.lifecycle, Outcome.DUPLICATE))
            .as("jobwatch_events_total{outcome=duplicate}")
            .isZero();
      }
    }
  }
}
