package io.jobwatch.kafka;

import io.jobwatch.JobwatchException;
import io.jobwatch.pipeline.FencedException;
import io.jobwatch.pipeline.HistoryCache;
import io.jobwatch.pipeline.Item;
import io.jobwatch.store.Database;
import io.jobwatch.store.LoggableErrors;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the record that makes a batch fail: writes the batch in halves, recursively, and
 * dead-letters a single record that still fails for a reason of its own (any exception of the
 * decode, fold or write, see {@link Failures#blamesTheRecord}) while the database answers. Each
 * half keeps the records' order, so every transaction advances each partition over a contiguous run
 * of offsets. Not thread-safe: owned by the consumer thread.
 */
final class PoisonIsolation {
  private static final Logger LOG = LoggerFactory.getLogger(PoisonIsolation.class);

  private final BatchTransaction transaction;
  private final Database database;
  private final HistoryCache history;

  PoisonIsolation(BatchTransaction transaction, Database database, HistoryCache history) {
    this.transaction = transaction;
    this.database = database;
    this.history = history;
  }

  /**
   * Writes {@code items} (from {@code batch}), dead-lettering the records that fail on their own.
   *
   * @throws FencedException when another consumer advanced a partition first, or stored a newer
   *     fold state of a job in the batch ({@code FoldConflictException})
   * @throws RuntimeException when a failure is not a record's (the database went away, a deadlock):
   *     the caller retries from the stored offsets
   */
  /** How long batches that time out are halved before the outage path's backoff takes over. */
  static final Duration TIMEOUT_HALVING = Duration.ofSeconds(60);

  void isolate(PolledBatch batch, List<Item> items) {
    isolate(batch, items, System.nanoTime() + TIMEOUT_HALVING.toNanos());
  }

  private void isolate(PolledBatch batch, List<Item> items, long timeoutHalvingUntil) {
    if (items.size() == 1) {
      writeOrDeadLetter(batch, items.get(0));
      return;
    }
    int half = items.size() / 2;
    for (List<Item> part : List.of(items.subList(0, half), items.subList(half, items.size()))) {
      try {
        transaction.write(part);
      } catch (FencedException e) {
        throw e;
      } catch (RuntimeException e) {
        history.clear();
        boolean timedOut =
            Failures.isStatementCancelled(e) && System.nanoTime() - timeoutHalvingUntil < 0;
        if (!Failures.blamesTheRecord(e) && !timedOut) {
          // The database, not a record: halving further would only retry a half that may have
          // committed (a commit without an answer). The caller's outage path resynchronises.
          // A statement timeout rolled its half back: a smaller half may finish in time, but not
          // for longer than TIMEOUT_HALVING (each level of halves may cost a whole timeout, and
          // the consumer does not poll meanwhile: past max.poll.interval.ms it leaves the group).
          throw e;
        }
        isolate(batch, part, timeoutHalvingUntil);
      }
    }
  }

  private void writeOrDeadLetter(PolledBatch batch, Item item) {
    try {
      transaction.write(List.of(item));
      return;
    } catch (FencedException e) {
      throw e;
    } catch (RuntimeException e) {
      history.clear();
      if (!Failures.blamesTheRecord(e) || !database.isReachable()) {
        throw e;
      }
      String reason = Failures.reason(e);
      if (item instanceof Item.Invalid invalid) {
        // Storing the dead letter itself failed (its reason, say): store it with a plain reason.
        reason =
            "storing the dead letter failed: " + reason + "; first reason: " + invalid.reason();
      }
      LOG.warn(
          "dead-lettering {}-{}@{}: {}",
          item.topic(),
          item.partition(),
          item.offset(),
          LoggableErrors.describe(e));
      try {
        transaction.write(List.of(DeadLetterItems.of(batch.recordOf(item), reason)));
      } catch (FencedException fenced) {
        throw fenced;
      } catch (RuntimeException again) {
        history.clear();
        if (!Failures.blamesTheRecord(again)) {
          throw again;
        }
        // The database refused the dead letter itself (a header it cannot store): the last resort
        // keeps the key and value bytes only, so that no record can stall its partition.
        LOG.warn(
            "the database refused the dead letter of {}-{}@{}, storing it without headers: {}",
            item.topic(),
            item.partition(),
            item.offset(),
            LoggableErrors.describe(again));
        writeLastResort(batch, item, again);
      }
    }
  }

  private void writeLastResort(PolledBatch batch, Item item, RuntimeException refusal) {
    try {
      transaction.write(
          List.of(
              DeadLetterItems.withoutHeaders(
                  batch.recordOf(item),
                  "the database refused this record's dead letter ("
                      + Failures.rootMessage(refusal)
                      + "); stored without its headers")));
    } catch (FencedException fenced) {
      throw fenced;
    } catch (RuntimeException last) {
      history.clear();
      throw new JobwatchException(
          "the database refused the dead letter at "
              + item.topic()
              + "-"
              + item.partition()
              + "@"
              + item.offset()
              + ": "
              + Failures.rootMessage(last),
          last);
    }
  }
}
