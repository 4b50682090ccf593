package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.contract.DecoderLimits;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.core.stage.StagePolicy;
import io.jobwatch.pipeline.BatchResult;
import io.jobwatch.pipeline.BatchWriter;
import io.jobwatch.pipeline.FencedException;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A publisher's retry of a stage or monitor event that lands on another partition than the first
 * send (a second publisher with another partitioner, a resend from a spool, partitions added to the
 * topic), read by two instances at the same moment: stored, applied and counted once. Job events
 * are kept once by the fold state's compare-and-set ({@link SplitPartitionsIT}); stage and monitor
 * events have no fold state, and {@code job_events}, partitioned by arrival, cannot hold a unique
 * index on the event id. Both batches go through the real {@link BatchWriter}, each in its own
 * transaction, the second started while the first has not committed yet.
 */
@WithInfra
class DuplicateAcrossInstancesIT {
  private static final EventDecoder DECODER = new EventDecoder(new DecoderLimits(1 << 20, 32));
  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(60);
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @DisplayName(
      "A stage error and a monitor declaration sent twice, on two partitions read by two instances"
          + " at once, are stored, applied and counted once; the other copy is a duplicate")
  void retriedStageAndMonitorEventsOnTwoPartitionsApplyOnce(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 2)) {
      harness.startApp().close(); // migrates the database
      String stageError =
          Envelopes.event(
              UUID.randomUUID().toString(),
              "stage.error",
              T0,
              Envelopes.json(
                  data(
                      "service", "blast",
                      "runner", "slurm",
                      "stage", "submit",
                      "error_class", "ConnectionError",
                      "message", "sbatch: connection refused")));
      String declared =
          Envelopes.event(
              UUID.randomUUID().toString(),
              "monitor.declared",
              T0,
              Envelopes.json(
                  data(
                      "monitor", "nightly-backup",
                      "team", "platform",
                      "schedule", Map.of("every", "PT1H"),
                      "grace", "PT10M")));
      // The first send on partition 0, read by one instance; the retry on partition 1, by another.
      List<Item> first = List.of(item("errors", 0, stageError), item("lifecycle", 0, declared));
      List<Item> retry = List.of(item("errors", 1, stageError), item("lifecycle", 1, declared));

      CountDownLatch firstWrote = new CountDownLatch(1);
      CompletableFuture<BatchResult> firstBatch =
          CompletableFuture.supplyAsync(
              () ->
                  harness
                      .jdbi()
                      .inTransaction(
                          handle -> {
                            BatchResult result = write(handle, harness, first);
                            firstWrote.countDown();
                            // Commit only once the other instance's batch waits for this one.
                            Harness.await(
                                "the second instance's batch to wait for a lock",
                                WAIT,
                                () -> waitingForLocks(harness) > 0);
                            return result;
                          }));
      assertThat(firstWrote.await(60, TimeUnit.SECONDS)).isTrue();
      BatchResult retried = writeAsTheConsumerDoes(harness, retry);
      BatchResult applied = firstBatch.get(60, TimeUnit.SECONDS);

      assertThat(
              harness.rows(
                  "SELECT type, count(*) AS copies FROM job_events GROUP BY type ORDER BY type"))
          .containsExactly(
              Map.of("type", "monitor.declared", "copies", 1L),
              Map.of("type", "stage.error", "copies", 1L));
      assertThat(applied.count(Outcome.APPLIED)).isEqualTo(2);
      assertThat(retried.count(Outcome.APPLIED))
          .as("the retried copies applied by the second instance")
          .isZero();
      assertThat(retried.count(Outcome.DUPLICATE)).isEqualTo(2);
      Map<String, Object> stage = harness.stage("blast", "slurm", "submit");
      assertThat(stage.get("error_count")).isEqualTo(1L);
      assertThat(stage.get("consecutive_errors")).isEqualTo(1);
      assertThat(stage.get("severity")).isEqualTo("warning");
    }
  }

  @Test
  @DisplayName(
      "A copy of a stage event an older version stored twice within the day is a duplicate, and the"
          + " batch carrying it applies its other events instead of being fenced for ever")
  void eventStoredTwiceBeforeIsADuplicateNotAFence(Infra infra) {
    try (Harness harness = new Harness(infra, 2)) {
      harness.startApp().close(); // migrates the database
      String id = UUID.randomUUID().toString();
      String stageError = stageError(id, T0);
      writeAsTheConsumerDoes(harness, List.of(item("errors", 0, stageError)));
      // The second copy an older version stored (a race this check now closes), a minute earlier.
      harness
          .jdbi()
          .useHandle(
              handle -> {
                handle.execute(
                    "CREATE TEMP TABLE copy AS SELECT * FROM job_events WHERE event_id = ?", id);
                handle.execute("UPDATE copy SET received_at = received_at - interval '1 minute'");
                handle.execute("INSERT INTO job_events SELECT * FROM copy");
              });
      String next = stageError(UUID.randomUUID().toString(), T0.plusSeconds(1));

      BatchResult result =
          writeOnce(harness, List.of(item("errors", 1, stageError), item("errors", 1, next)));

      assertThat(result.count(Outcome.DUPLICATE)).isEqualTo(1);
      assertThat(result.count(Outcome.APPLIED)).isEqualTo(1);
      assertThat(harness.count("SELECT count(*) FROM job_events WHERE type = 'stage.error'"))
          .isEqualTo(3);
      Map<String, Object> stage = harness.stage("blast", "slurm", "submit");
      assertThat(stage.get("error_count")).isEqualTo(2L);
      assertThat(stage.get("consecutive_errors")).isEqualTo(2);
    }
  }

  private static String stageError(String id, Instant time) {
    return Envelopes.event(
        id,
        "stage.error",
        time,
        Envelopes.json(
            data(
                "service", "blast",
                "runner", "slurm",
                "stage", "submit",
                "error_class", "ConnectionError",
                "message", "sbatch: connection refused")));
  }

  /** Writes a batch in its own transaction once: a {@link FencedException} fails the test. */
  private static BatchResult writeOnce(Harness harness, List<Item> items) {
    return harness.jdbi().inTransaction(handle -> write(handle, harness, items));
  }

  private static Item item(String topic, int partition, String envelope) {
    return new Item.Valid(
        topic, partition, 0, DECODER.decodeStored(envelope), "it", envelope, RecordMeta.NONE);
  }

  private static BatchResult write(
      org.jdbi.v3.core.Handle handle, Harness harness, List<Item> items) {
    BatchWriter writer =
        new BatchWriter(StagePolicy.defaults(), DECODER::decodeStored, new MonitorsWriter());
    return writer.write(
        handle, harness.group, items, List.of(), Instant.now(), HistoryCache.disabled());
  }

  /**
   * Writes a batch in its own transaction; a batch rolled back because another consumer wrote first
   * ({@link FencedException}) is read again and written again, as the consumer loop does.
   */
  private static BatchResult writeAsTheConsumerDoes(Harness harness, List<Item> items) {
    for (int attempt = 1; ; attempt++) {
      try {
        return harness.jdbi().inTransaction(handle -> write(handle, harness, items));
      } catch (FencedException fenced) {
        if (attempt == 3) {
          throw fenced;
        }
      }
    }
  }

  /** Sessions waiting for a lock another transaction holds (pg_locks, not the statistics). */
  private static long waitingForLocks(Harness harness) {
    return harness.count("SELECT count(*) FROM pg_locks WHERE NOT granted");
  }
}
