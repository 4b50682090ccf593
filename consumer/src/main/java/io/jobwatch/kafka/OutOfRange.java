package io.jobwatch.kafka;

import io.jobwatch.config.Settings;
import io.jobwatch.store.Database;
import io.jobwatch.store.OffsetsTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Positions the broker no longer holds. The consumer runs with {@code auto.offset.reset=none}, so
 * the client reports them instead of resetting them without a word: retention deleted records
 * before jobwatch read them (the position is below the log start), or the topic was deleted and
 * recreated or its log truncated (the position is beyond the log). Either way the partition resumes
 * at its log start (after a truncation the client detected, where the logs part), and that move is
 * stored like a batch's, a compare-and-set from the offset this consumer expects: the loss is
 * counted once (not again after a restart or by the next owner) and a recreated topic that grows is
 * never read from the old topic's offset. The offsets skipped below the log start are logged and
 * counted ({@link PipelineListener#lost}). Not thread-safe: owned by the consumer thread.
 */
final class OutOfRange {
  private static final Logger LOG = LoggerFactory.getLogger(OutOfRange.class);
  private static final Duration LOG_START_TIMEOUT = Duration.ofSeconds(5);

  private final Settings settings;
  private final Database database;
  private final OffsetResync offsets;
  private final PipelineListener listener;

  OutOfRange(
      Settings settings, Database database, OffsetResync offsets, PipelineListener listener) {
    this.settings = settings;
    this.database = database;
    this.offsets = offsets;
    this.listener = listener;
  }

  /**
   * Moves the partitions of {@code invalid} to their log start. A partition not resynchronised yet
   * (paused, to be sought to its stored offset) only gets a placeholder position at its beginning,
   * as the client's {@code earliest} did.
   *
   * @return the partitions another consumer advanced first: fenced, not moved
   * @throws RuntimeException when the database cannot be written
   */
  Set<TopicPartition> resume(Consumer<byte[], byte[]> kafka, InvalidOffsetException invalid) {
    Set<TopicPartition> unsynced = offsets.unsynced();
    Map<TopicPartition, Long> positions =
        invalid instanceof OffsetOutOfRangeException outOfRange
            ? outOfRange.offsetOutOfRangePartitions()
            : Map.of();
    List<TopicPartition> placeholders = new ArrayList<>();
    List<TopicPartition> moving = new ArrayList<>();
    for (TopicPartition partition : invalid.partitions()) {
      if (!kafka.assignment().contains(partition)) {
        continue;
      }
      if (unsynced.contains(partition) || !positions.containsKey(partition)) {
        placeholders.add(partition);
      } else {
        moving.add(partition);
      }
    }
    if (!placeholders.isEmpty()) {
      kafka.seekToBeginning(placeholders);
    }
    if (moving.isEmpty()) {
      return Set.of();
    }
    Map<TopicPartition, Long> starts;
    try {
      starts = kafka.beginningOffsets(moving, LOG_START_TIMEOUT);
    } catch (KafkaException e) {
      // The position stays where it is: the next fetch reports it again.
      LOG.warn("could not read the log start of {}: {}", moving, e.toString());
      return Set.of();
    }
    Set<TopicPartition> fenced = new HashSet<>();
    for (TopicPartition partition : moving) {
      Long logStart = starts.get(partition);
      if (logStart == null) {
        continue;
      }
      long start = logStart;
      OffsetAndMetadata divergent =
          invalid instanceof LogTruncationException truncation
              ? truncation.divergentOffsets().get(partition)
              : null;
      if (divergent != null && divergent.offset() > start) {
        // A new leader holds less than this consumer read (an unclean election): what it read
        // up to the point where the logs part is applied; the new leader's records follow it.
        start = divergent.offset();
      }
      long position = positions.get(partition);
      long movedTo = start;
      Runnable report = () -> reportMove(partition, position, logStart, movedTo);
      if (!store(partition, start, report)) {
        fenced.add(partition);
        continue;
      }
      kafka.seek(partition, start);
      report.run();
    }
    return fenced;
  }

  private void reportMove(TopicPartition partition, long position, long logStart, long start) {
    if (position < logStart) {
      LOG.warn(
          "{} offsets of {} ({} to {}) were deleted by Kafka (retention) before jobwatch read"
              + " them; resuming at the log start {}",
          logStart - position,
          partition,
          position,
          logStart - 1,
          start);
      listener.lost(partition, logStart - position);
    } else {
      LOG.warn(
          "offset {} of {} is beyond its log (the topic was deleted and recreated, or its log"
              + " truncated); reading it again from offset {}",
          position,
          partition,
          start);
    }
  }

  /**
   * Stores the move to {@code start}; false if another consumer advanced the partition first. A
   * failure may still have committed the move (its COMMIT got no answer): the resynchronisation
   * after it runs {@code onCommitted} if the database holds the move.
   */
  private boolean store(TopicPartition partition, long start, Runnable onCommitted) {
    Map<TopicPartition, Long> next = Map.of(partition, start);
    boolean moved;
    Long[] transaction = new Long[1];
    try {
      moved =
          database
              .jdbi()
              .inTransaction(
                  handle -> {
                    boolean advanced =
                        OffsetsTable.advance(handle, settings.groupId(), offsets.advances(next));
                    // Only a move that advanced may have stored anything: one another consumer
                    // beat commits nothing of its own, and the offsets past it are that one's.
                    transaction[0] = advanced ? OffsetsTable.currentTransaction(handle) : null;
                    return advanced;
                  });
    } catch (RuntimeException e) {
      if (transaction[0] != null) {
        offsets.commitUnconfirmed(transaction[0], next, onCommitted);
      }
      throw e;
    }
    if (moved) {
      offsets.advanced(next);
    }
    return moved;
  }
}
