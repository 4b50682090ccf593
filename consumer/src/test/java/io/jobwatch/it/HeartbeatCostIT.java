package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.contract.DecoderLimits;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.core.job.BatchPlanner;
import io.jobwatch.core.stage.StagePolicy;
import io.jobwatch.pipeline.BatchResult;
import io.jobwatch.pipeline.BatchWriter;
import io.jobwatch.pipeline.HistoryCache;
import io.jobwatch.pipeline.Item;
import io.jobwatch.pipeline.MonitorsWriter;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.pipeline.RecordMeta;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 11.3 acceptance: a heartbeat-heavy job's batch cost stays flat. Heartbeats are consumed
 * from Kafka by a running app; between rounds a probe batch goes through the real {@link
 * BatchWriter} on the same database, with the fold-state cache off so every batch reads what it
 * needs from PostgreSQL, and its statements (Jdbi's {@link SqlLogger}) and the rows it read ({@code
 * pg_stat_xact_user_tables}, this transaction only) are counted. Not on wall time.
 */
@WithInfra
class HeartbeatCostIT {
  private static final String JOB = "heartbeat-heavy";
  private static final int PROBE = 100;
  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(3600);

  /** What one probe batch cost. */
  private record Cost(int statements, long rowsRead, long eventRowsRead, BatchResult result) {}

  private static final String ROWS_READ =
      "SELECT coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0)"
          + " FROM pg_stat_xact_user_tables";

  private static final String EVENT_ROWS_READ = ROWS_READ + " WHERE relname LIKE 'job\\_events%'";

  private int beats;

  private static Instant beatTime(int beat) {
    return T0.plusMillis(10L * (beat + 1));
  }

  @Test
  @DisplayName(
      "After 1k, 5k and 20k heartbeats of one job, a batch of 100 more runs as many statements and"
          + " reads as many rows (none of the job's events); a late heartbeat refolds from the"
          + " latest snapshot before it, reading at most a snapshot interval of events")
  void batchCostStaysFlat(Infra infra) {
    try (Harness harness = new Harness(infra, 1)) {
      harness.lifecycleEvent("job.submitted", T0, data("job_id", JOB, "service", "beats"));
      harness.lifecycleEvent(
          "job.started", T0.plusMillis(5), data("job_id", JOB, "runner", "slurm", "attempt", 1));
      List<Cost> costs = new ArrayList<>();
      for (int round : List.of(1_000, 5_000, 20_000)) {
        JobwatchApp app = harness.startApp();
        try {
          while (beats < round) {
            harness.lifecycleEvent("job.status", beatTime(beats), beat(beats));
            beats++;
          }
          harness.flush();
          long expected = 2L + beats;
          Harness.await(
              expected + " events of " + JOB,
              Duration.ofSeconds(180),
              () -> storedEvents(harness) == expected);
        } finally {
          app.close();
        }
        costs.add(probe(harness, inOrderBatch()));
      }

      for (Cost cost : costs) {
        assertThat(cost.result().count(Outcome.APPLIED)).isEqualTo(PROBE);
        assertThat(cost.result().refolds()).as("no refold for events in order").isEmpty();
        assertThat(cost.eventRowsRead()).as("job_events rows read by an in-order batch").isZero();
      }
      Cost first = costs.get(0);
      for (Cost later : costs.subList(1, costs.size())) {
        // One more statement at most: a batch that crosses a snapshot position stores it.
        assertThat(later.statements()).isBetween(first.statements(), first.statements() + 1);
        assertThat(later.rowsRead()).isLessThanOrEqualTo(first.rowsRead() + 2);
      }
      long total = 2L + beats;
      assertThat(harness.count("SELECT folded FROM job_fold_state WHERE job_id = '" + JOB + "'"))
          .as("events folded into the stored state")
          .isEqualTo(total);
      assertThat(
              harness.count("SELECT count(*) FROM job_fold_snapshots WHERE job_id = '" + JOB + "'"))
          .isEqualTo(total / BatchPlanner.SNAPSHOT_EVERY);

      // A heartbeat timed just before the latest one: refolded from the latest snapshot.
      String lastActivity = activity(beats - 1);
      Cost late = probe(harness, List.of(item(beatTime(beats - 1).minusMillis(5), beat(-1))));
      assertThat(late.result().refolds()).isEqualTo(Map.of(BatchPlanner.Refold.SNAPSHOT, 1));
      assertThat(late.eventRowsRead())
          .as("events read after the snapshot")
          .isPositive()
          .isLessThanOrEqualTo(2L * BatchPlanner.SNAPSHOT_EVERY);
      assertThat(harness.count("SELECT folded FROM job_fold_state WHERE job_id = '" + JOB + "'"))
          .isEqualTo(total + 1);
      String activity =
          harness
              .jdbi()
              .withHandle(
                  handle ->
                      handle
                          .createQuery("SELECT runtime_activity FROM jobs WHERE job_id = :job")
                          .bind("job", JOB)
                          .mapTo(String.class)
                          .one());
      assertThat(activity)
          .as("the latest activity by time, not the late one")
          .isEqualTo(lastActivity);

      // Pruning a job's row (retention) removes its fold state and snapshots with it.
      harness.jdbi().useHandle(handle -> handle.execute("DELETE FROM jobs WHERE job_id = ?", JOB));
      assertThat(harness.count("SELECT count(*) FROM job_fold_state")).isZero();
      assertThat(harness.count("SELECT count(*) FROM job_fold_snapshots")).isZero();
    }
  }

  private static String activity(int beat) {
    return "beat " + beat;
  }

  private static Map<String, Object> beat(int beat) {
    return data("job_id", JOB, "attempt", 1, "activity", activity(beat));
  }

  private static long storedEvents(Harness harness) {
    return harness.count("SELECT count(*) FROM job_events WHERE job_id = '" + JOB + "'");
  }

  private List<Item> inOrderBatch() {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < PROBE; i++) {
      items.add(item(beatTime(beats), beat(beats)));
      beats++;
    }
    return items;
  }

  private static final EventDecoder DECODER = new EventDecoder(new DecoderLimits(1 << 20, 32));

  private static Item item(Instant time, Map<String, Object> data) {
    String envelope =
        Envelopes.event(UUID.randomUUID().toString(), "job.status", time, Envelopes.json(data));
    return new Item.Valid(
        "probe", 0, 0, DECODER.decodeStored(envelope), "probe", envelope, RecordMeta.NONE);
  }

  /** Writes one batch through the real writer and counts what it did to the database. */
  private static Cost probe(Harness harness, List<Item> items) {
    AtomicInteger statements = new AtomicInteger();
    Jdbi jdbi =
        Jdbi.create(
            harness.database.jdbcUrl(), harness.database.user(), harness.database.password());
    jdbi.getConfig(SqlStatements.class)
        .setSqlLogger(
            new SqlLogger() {
              @Override
              public void logBeforeExecution(StatementContext context) {
                statements.incrementAndGet();
              }
            });
    BatchWriter writer =
        new BatchWriter(StagePolicy.defaults(), DECODER::decodeStored, new MonitorsWriter());
    return jdbi.inTransaction(
        handle -> {
          // Index scans only, so that rows read are the rows the writer's queries need, not the
          // planner's choice of a sequential scan for a small table.
          handle.execute("SET LOCAL enable_seqscan = off");
          statements.set(0);
          BatchResult result =
              writer.write(
                  handle, harness.group, items, List.of(), Instant.now(), HistoryCache.disabled());
          int written = statements.get();
          long rowsRead = handle.createQuery(ROWS_READ).mapTo(Long.class).one();
          long eventRowsRead = handle.createQuery(EVENT_ROWS_READ).mapTo(Long.class).one();
          return new Cost(written, rowsRead, eventRowsRead, result);
        });
  }
}
