package io.jobwatch.kafka;

import io.jobwatch.config.Settings;
import io.jobwatch.pipeline.BatchResult;
import io.jobwatch.pipeline.BatchWriter;
import io.jobwatch.pipeline.HistoryCache;
import io.jobwatch.pipeline.Item;
import io.jobwatch.store.Database;
import io.jobwatch.store.EventsTable;
import io.jobwatch.store.LoggableErrors;
import io.jobwatch.store.OffsetsTable;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run of items (a prefix-closed run of each partition's records) as one database
 * transaction together with the partitions' next offsets, then updates the offsets, the history
 * cache and the listener. Not thread-safe: owned by the consumer thread.
 */
final class BatchTransaction {
  private static final Logger LOG = LoggerFactory.getLogger(BatchTransaction.class);

  private final Settings settings;
  private final Database database;
  private final BatchWriter writer;
  private final OffsetResync offsets;
  private final HistoryCache history;
  private final ProgressTracker progress;
  private final PipelineListener listener;
  private final Clock clock;

  BatchTransaction(
      Settings settings,
      Database database,
      BatchWriter writer,
      OffsetResync offsets,
      HistoryCache history,
      ProgressTracker progress,
      PipelineListener listener,
      Clock clock) {
    this.settings = settings;
    this.database = database;
    this.writer = writer;
    this.offsets = offsets;
    this.history = history;
    this.progress = progress;
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * @throws io.jobwatch.pipeline.FencedException when another consumer advanced a partition first,
   *     or stored a newer fold state of a job in the batch ({@code FoldConflictException})
   * @throws RuntimeException whatever the fold or the database threw; the transaction rolled back
   */
  void write(List<Item> items) {
    Map<TopicPartition, Long> nextOffsets = new LinkedHashMap<>();
    for (Item item : items) {
      nextOffsets.put(new TopicPartition(item.topic(), item.partition()), item.offset() + 1);
    }
    long started = System.nanoTime();
    long[] writeNanos = new long[1];
    BatchResult[] folded = new BatchResult[1];
    Long[] transaction = new Long[1];
    offsets.writing();
    BatchResult result;
    try {
      result =
          database
              .jdbi()
              .inTransaction(
                  handle -> {
                    // Before any statement that reads job_events: a pass moving a day's rows
                    // into a new partition is waited for here, not inside a look-up (V23).
                    EventsTable.holdDefaultPartition(handle);
                    // Issue 10.3: each partition's watermark moves in the same transaction.
                    progress.committing(handle, items);
                    BatchResult written =
                        writer.write(
                            handle,
                            settings.groupId(),
                            items,
                            offsets.advances(nextOffsets),
                            clock.instant(),
                            history);
                    // Asked of the database after a COMMIT without an answer (OffsetResync).
                    transaction[0] = OffsetsTable.currentTransaction(handle);
                    writeNanos[0] = System.nanoTime() - started;
                    folded[0] = written;
                    return written;
                  });
    } catch (RuntimeException e) {
      if (folded[0] != null) {
        // Every statement ran and the COMMIT failed: if only its answer was lost, the database
        // holds the batch, and the resynchronisation after this failure asks it whether this
        // transaction committed. Its records are counted then, once; read again, they would be
        // skipped (ambiguous commit).
        BatchResult unanswered = folded[0];
        Duration write = Duration.ofNanos(writeNanos[0]);
        Duration commit = Duration.ofNanos(System.nanoTime() - started).minus(write);
        offsets.commitUnconfirmed(
            transaction[0],
            nextOffsets,
            () -> {
              LOG.info(
                  "the database holds the batch of {} records whose commit got no answer",
                  items.size());
              listener.committed(unanswered, items.size(), write, commit);
            });
      }
      throw e;
    }
    Duration total = Duration.ofNanos(System.nanoTime() - started);
    offsets.advanced(nextOffsets);
    // The batch is committed: a failure of the bookkeeping after it must not send the batch back
    // through the failure path (it would be isolated and counted again).
    try {
      history.putAll(result.histories(), result.firstStored());
      listener.committed(
          result, items.size(), Duration.ofNanos(writeNanos[0]), total.minusNanos(writeNanos[0]));
    } catch (RuntimeException e) {
      history.clear();
      LOG.warn(
          "bookkeeping after a committed batch of {} records failed: {}",
          items.size(),
          LoggableErrors.describe(e));
    }
  }
}
