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
  /** How long batches that time out are halved before the outage path's backoff takes over. */
  static final Duration TIMEOUT_HALVING = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(PoisonIsolation.class);

  private final BatchTransaction transaction;
  private final Database database;
  private final HistoryCache history;
  private final Duration timeoutHalving;
  // The size of the part whose timeout ended the last halving (its budget spent); 0 when none.
  private int timedOutSize;

  PoisonIsolation(
      BatchTransaction transaction,
      Database database,
      HistoryCache history,
      Duration timeoutHalving) {
    this.transaction = transaction;
    this.database = database;
    this.history = history;
    this.timeoutHalving = timeoutHalving;
  }

  /**
   * Writes {@code items} (from {@code batch}), dead-lettering the records that fail on their own.
   *
   * @throws FencedException when another consumer advanced a partition first, or stored a newer
   *     fold state of a job in the batch ({@code FoldConflictException})
   * @throws RuntimeException when a failure is not a record's (the database went away, a deadlock):
   *     the caller retries from the stored offsets
   */
  void isolate(PolledBatch batch, List<Item> items) {
    long timeoutHalvingUntil = System.nanoTime() + timeoutHalving.toNanos();
    if (items.size() == 1) {
      writeOrDeadLetter(batch, items.get(0));
    } else if (timedOutSize == 0) {
      halve(batch, items, timeoutHalvingUntil);
    } else {
      // The halving of a batch before ran out of its budget: go on where it stopped, in parts of
      // half the size that last timed out, rather than from the whole batch again (which, with
      // more levels of halves than the budget allows, would never write anything).
      int size = Math.max(1, timedOutSize / 2);
      for (int from = 0; from < items.size(); from += size) {
        writeOrHalve(
            batch, items.subList(from, Math.min(items.size(), from + size)), timeoutHalvingUntil);
      }
    }
    timedOutSize = 0;
  }

  /**
   * Whether the halving of timed-out batches ran out of its budget and has not got through since:
   * the next batch goes straight to {@link #isolate}, which goes on where it stopped.
   */
  boolean resumesHalving() {
    return timedOutSize > 0;
  }

  private void halve(PolledBatch batch, List<Item> items, long timeoutHalvingUntil) {
    int half = items.size() / 2;
    for (List<Item> part : List.of(items.subList(0, half), items.subList(half, items.size()))) {
      writeOrHalve(batch, part, timeoutHalvingUntil);
    }
  }

  private void writeOrHalve(PolledBatch batch, List<Item> part, long timeoutHalvingUntil) {
    if (part.size() == 1) {
      writeOrDeadLetter(batch, part.get(0));
      return;
    }
    try {
      transaction.write(part);
    } catch (FencedException e) {
      throw e;
    } catch (RuntimeException e) {
      history.clear();
      boolean timedOut = Failures.isStatementCancelled(e);
      boolean budgetLeft = System.nanoTime() - timeoutHalvingUntil < 0;
      if (timedOut && !budgetLeft) {
        timedOutSize = part.size();
      }
      if (!Failures.blamesTheRecord(e) && !(timedOut && budgetLeft)) {
        // The database, not a record: halving further would only retry a half that may have
        // committed (a commit without an answer). The caller's outage path resynchronises.
        // A statement timeout rolled its half back: a smaller half may finish in time, but not
        // for longer than the budget (each level of halves may cost a whole timeout, and the
        // consumer does not poll meanwhile: past max.poll.interval.ms it leaves the group).
        throw e;
      }
      halve(batch, part, timeoutHalvingUntil);
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
