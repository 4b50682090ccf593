package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

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
import io.jobwatch.store.RetentionTable;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 11.4: the batch's look-up of stored event ids and of job histories reads only the day
 * partitions an event of the job can be in. Batches go through the real {@link BatchWriter}; the
 * partitions each one scanned come from {@code pg_stat_xact_user_tables} (this transaction only).
 * Events are aged by moving their rows into older day partitions, as days passing would.
 */
@WithInfra
class EventLookupBoundsIT {
  private static final EventDecoder DECODER = new EventDecoder(new DecoderLimits(1 << 20, 32));
  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(600);
  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
  private static final String TEN_DAYS_AGO = partition(TODAY.minusDays(10));
  private static final String TWENTY_DAYS_AGO = partition(TODAY.minusDays(20));

  /** A batch's result and how often it scanned each {@code job_events} partition. */
  private record Written(BatchResult result, Map<String, Long> scans) {
    long scans(String partition) {
      return this.scans.getOrDefault(partition, 0L);
    }
  }

  private static String partition(LocalDate day) {
    return "job_events_" + day.format(DateTimeFormatter.BASIC_ISO_DATE);
  }

  @Test
  @DisplayName(
      "Duplicates are found wherever their original is stored, while a job first stored today"
          + " never makes the batch read older day partitions and a new job reads none")
  void lookupsReadOnlyThePartitionsAJobCanBeIn(Infra infra) {
    try (Harness harness = new Harness(infra, 1)) {
      harness.startApp().close(); // migrates the database
      harness
          .jdbi()
          .useHandle(
              handle -> {
                handle.execute("SELECT jobwatch_event_partition(?::date)", TODAY.minusDays(10));
                handle.execute("SELECT jobwatch_event_partition(?::date)", TODAY.minusDays(20));
              });
      Item oldSubmitted = lifecycle("job.submitted", 0, data("job_id", "old", "service", "s"));
      Item oldStarted =
          lifecycle("job.started", 1, data("job_id", "old", "runner", "r", "attempt", 1));
      Item legacySubmitted =
          lifecycle("job.submitted", 2, data("job_id", "legacy", "service", "s"));
      Item orphanSubmitted =
          lifecycle("job.submitted", 3, data("job_id", "orphan", "service", "s"));
      Item stageError =
          stage(
              4,
              data(
                  "service",
                  "s",
                  "runner",
                  "r",
                  "stage",
                  "submit",
                  "error_class",
                  "Timeout",
                  "message",
                  "no answer"));
      Written first =
          write(
              harness,
              List.of(oldSubmitted, oldStarted, legacySubmitted, orphanSubmitted, stageError),
              HistoryCache.disabled());
      assertThat(first.result().count(Outcome.APPLIED)).isEqualTo(5);
      assertThat(
              harness.count(
                  "SELECT count(*) FROM job_fold_state"
                      + " WHERE created_at > now() - interval '1 hour'"))
          .as("a new job's state records when it was first stored")
          .isEqualTo(3);

      // Days pass: old's events and state were first stored ten days ago; legacy's twenty days
      // ago, under a state stored before V16 (first storing unknown); the stage event too.
      harness
          .jdbi()
          .useHandle(
              handle -> {
                handle.execute(
                    "UPDATE job_events SET received_at = received_at - interval '10 days'"
                        + " WHERE job_id = 'old'");
                handle.execute(
                    "UPDATE job_fold_state SET created_at = created_at - interval '10 days'"
                        + " WHERE job_id = 'old'");
                handle.execute(
                    "UPDATE job_events SET received_at = received_at - interval '20 days'"
                        + " WHERE job_id IN ('legacy', 'orphan') OR job_id IS NULL");
                handle.execute(
                    "UPDATE job_fold_state SET created_at = NULL WHERE job_id = 'legacy'");
                // orphan: a row and events but no state (a database migrated before V13)
                handle.execute("DELETE FROM job_fold_state WHERE job_id = 'orphan'");
              });
      assertThat(harness.count("SELECT count(*) FROM " + TEN_DAYS_AGO)).isEqualTo(2);
      assertThat(harness.count("SELECT count(*) FROM " + TWENTY_DAYS_AGO)).isEqualTo(3);

      // A job first stored today, through a cache as the consumer runs: its first storing comes
      // from the cache in the second batch, its duplicate is found, no older partition is read.
      HistoryCache cache = new HistoryCache(1 << 20);
      Item todaySubmitted = lifecycle("job.submitted", 5, data("job_id", "today", "service", "s"));
      Written today = write(harness, List.of(todaySubmitted), cache);
      assertThat(today.result().count(Outcome.APPLIED)).isEqualTo(1);
      assertThat(today.scans(TEN_DAYS_AGO) + today.scans(TWENTY_DAYS_AGO)).isZero();
      Item todayStarted =
          lifecycle("job.started", 6, data("job_id", "today", "runner", "r", "attempt", 1));
      Written again = write(harness, List.of(todaySubmitted, todayStarted), cache);
      assertThat(again.result().count(Outcome.DUPLICATE)).isEqualTo(1);
      assertThat(again.result().count(Outcome.APPLIED)).isEqualTo(1);
      assertThat(again.scans(TEN_DAYS_AGO) + again.scans(TWENTY_DAYS_AGO))
          .as("older partitions read for a job first stored today")
          .isZero();

      // old, read from the database: its duplicate is found ten days back, nothing further back.
      Written old = write(harness, List.of(oldStarted), HistoryCache.disabled());
      assertThat(old.result().count(Outcome.DUPLICATE)).isEqualTo(1);
      assertThat(old.scans(TEN_DAYS_AGO)).isPositive();
      assertThat(old.scans(TWENTY_DAYS_AGO)).isZero();

      // An out-of-order event of old: its history is read from ten days back, nothing further.
      Item oldQueued = lifecycle("job.queued", 0, data("job_id", "old"));
      Written refold = write(harness, List.of(oldQueued), HistoryCache.disabled());
      assertThat(refold.result().count(Outcome.APPLIED) + refold.result().count(Outcome.IGNORED))
          .isEqualTo(1);
      assertThat(refold.result().refolds()).isEqualTo(Map.of(BatchPlanner.Refold.START, 1));
      assertThat(refold.scans(TEN_DAYS_AGO)).isPositive();
      assertThat(refold.scans(TWENTY_DAYS_AGO)).isZero();
      assertThat(harness.job("old").get("state")).isEqualTo("running");

      // Unknown first storing, a stage event: looked for everywhere, found twenty days back.
      Written legacy =
          write(harness, List.of(legacySubmitted, stageError), HistoryCache.disabled());
      assertThat(legacy.result().count(Outcome.DUPLICATE)).isEqualTo(2);
      assertThat(legacy.scans(TWENTY_DAYS_AGO)).isPositive();

      // A job with a row but no state: its duplicate is found and its history refolded; the state
      // it gets does not claim to be first stored now.
      Item orphanStarted =
          lifecycle("job.started", 7, data("job_id", "orphan", "runner", "r", "attempt", 1));
      Written orphan =
          write(harness, List.of(orphanSubmitted, orphanStarted), HistoryCache.disabled());
      assertThat(orphan.result().count(Outcome.DUPLICATE)).isEqualTo(1);
      assertThat(orphan.result().count(Outcome.APPLIED)).isEqualTo(1);
      assertThat(orphan.result().refolds()).isEqualTo(Map.of(BatchPlanner.Refold.START, 1));
      assertThat(harness.job("orphan").get("state")).isEqualTo("running");
      assertThat(
              harness.count(
                  "SELECT count(*) FROM job_fold_state WHERE job_id = 'orphan'"
                      + " AND created_at IS NULL"))
          .isEqualTo(1);
      assertThat(harness.count("SELECT count(*) FROM job_events")).isEqualTo(9);

      // A tombstone outlives its job's stored events: without it the job would look new.
      harness
          .jdbi()
          .useHandle(
              handle -> {
                handle.execute(
                    "INSERT INTO job_tombstones (job_id, state, attempt, finished_at, pruned_at)"
                        + " VALUES ('legacy', 'succeeded', 1, now() - interval '900 days',"
                        + " now() - interval '800 days')");
                handle.execute("DELETE FROM jobs WHERE job_id = 'legacy'");
                assertThat(RetentionTable.pruneTombstones(handle, Instant.now(), 100)).isZero();
                handle.execute("DELETE FROM job_events WHERE job_id = 'legacy'");
                assertThat(RetentionTable.pruneTombstones(handle, Instant.now(), 100)).isOne();
              });
    }
  }

  private static Item lifecycle(String type, int second, Map<String, Object> data) {
    return item("lifecycle", type, second, data);
  }

  private static Item stage(int second, Map<String, Object> data) {
    return item("errors", "stage.error", second, data);
  }

  private static Item item(String topic, String type, int second, Map<String, Object> data) {
    String envelope =
        Envelopes.event(
            UUID.randomUUID().toString(), type, T0.plusSeconds(second), Envelopes.json(data));
    return new Item.Valid(
        topic, 0, second, DECODER.decodeStored(envelope), "it", envelope, RecordMeta.NONE);
  }

  /**
   * Writes one batch through the real writer, commits it, feeds the cache as the consumer does and
   * returns the partitions the transaction scanned.
   */
  private static Written write(Harness harness, List<Item> items, HistoryCache cache) {
    BatchWriter writer =
        new BatchWriter(StagePolicy.defaults(), DECODER::decodeStored, new MonitorsWriter());
    Written written =
        harness
            .jdbi()
            .inTransaction(
                handle -> {
                  BatchResult result =
                      writer.write(handle, harness.group, items, List.of(), Instant.now(), cache);
                  Map<String, Long> scans = new HashMap<>();
                  handle
                      .createQuery(
                          "SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans"
                              + " FROM pg_stat_xact_user_tables WHERE relname LIKE 'job\\_events\\_%'")
                      .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                      .forEach(entry -> scans.put(entry.getKey(), entry.getValue()));
                  return new Written(result, scans);
                });
    cache.putAll(written.result().histories(), written.result().firstStored());
    return written;
  }
}
