package io.jobwatch.kafka;

import io.jobwatch.pipeline.Item;
import io.jobwatch.store.Database;
import io.jobwatch.store.ProgressTable;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports how far this consumer has read each partition it owns to {@code consumer_progress}, so
 * that the instance evaluating monitors judges them against the stream's progress while the
 * pipeline is behind ({@link io.jobwatch.core.monitor.MonitorClock}). A committed batch reports its
 * partitions in its own transaction; every few seconds the partitions with nothing left to read are
 * reported as caught up, in a small transaction of their own.
 *
 * <p>Used by the consumer loop's thread only; not thread-safe.
 */
public final class ProgressTracker {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressTracker.class);
  private static final Duration REFRESH = Duration.ofSeconds(5);
  private static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(1);

  private final Database database;
  private final String groupId;
  private final Clock clock;
  private final String reporter = ManagementFactory.getRuntimeMXBean().getName();
  private Snapshot writing = Snapshot.EMPTY;
  private Instant nextRefresh = Instant.MIN;

  /**
   * What one poll left behind: the partitions being consumed then (owned, not paused), the last
   * offset polled from each and what each had left. A batch is reported against the snapshot of the
   * poll it came from, even when the next poll has already returned (decoding overlaps the write,
   * see {@link ConsumerLoop}). Owned by the consumer thread.
   */
  static final class Snapshot {
    static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of(), Set.of());

    private final Map<TopicPartition, Long> lastPolled;
    private final Map<TopicPartition, Long> lagAfterPoll;
    private final Set<TopicPartition> consuming;

    private Snapshot(
        Map<TopicPartition, Long> lastPolled,
        Map<TopicPartition, Long> lagAfterPoll,
        Set<TopicPartition> consuming) {
      this.lastPolled = lastPolled;
      this.lagAfterPoll = lagAfterPoll;
      this.consuming = consuming;
    }

    /**
     * True when the poll left nothing behind: every partition consumed has a known lag of zero (an
     * unknown lag, before a partition's first fetch answers, may hide a backlog).
     */
    boolean leftNothing() {
      for (TopicPartition partition : consuming) {
        Long lag = lagAfterPoll.get(partition);
        if (lag == null || lag > 0) {
          return false;
        }
      }
      return true;
    }

    /** This snapshot limited to the partitions still consumed now (owned and not paused). */
    Snapshot consumingOnly(Set<TopicPartition> now) {
      Set<TopicPartition> still = new HashSet<>(consuming);
      still.retainAll(now);
      return new Snapshot(lastPolled, lagAfterPoll, still);
    }
  }

  public ProgressTracker(Database database, String groupId, Clock clock) {
    this.database = database;
    this.groupId = groupId;
    this.clock = clock;
  }

  /**
   * After each poll: the partitions being consumed (owned, not paused), the last offset polled from
   * each and what each has left.
   */
  Snapshot polled(Consumer<?, ?> kafka, ConsumerRecords<?, ?> records) {
    Map<TopicPartition, Long> lastPolled = new HashMap<>();
    Map<TopicPartition, Long> lagAfterPoll = new HashMap<>();
    Set<TopicPartition> consuming = new HashSet<>(kafka.assignment());
    consuming.removeAll(kafka.paused());
    for (ConsumerRecord<?, ?> record : records) {
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      lastPolled.put(partition, record.offset());
    }
    for (TopicPartition partition : consuming) {
      OptionalLong lag = kafka.currentLag(partition);
      if (lag.isPresent()) {
        lagAfterPoll.put(partition, lag.getAsLong());
      }
    }
    return new Snapshot(lastPolled, lagAfterPoll, consuming);
  }

  /** The batches written next come from the poll of {@code snapshot}. */
  void writing(Snapshot snapshot) {
    this.writing = snapshot;
  }

  /**
   * Inside a batch's transaction: reports each partition of {@code items} (a contiguous run of each
   * partition's polled records of the poll given to {@link #writing}). A record's progress is its
   * event time, bounded by its Kafka timestamp (a publisher's clock ahead of the broker's cannot
   * run the watermark ahead); the watermark is the latest of them. The partition is caught up when
   * the batch ends with the last record of the poll and the poll left nothing behind it.
   */
  public void committing(Handle handle, List<Item> items) {
    Map<TopicPartition, Long> lastPolled = writing.lastPolled;
    Map<TopicPartition, Long> lagAfterPoll = writing.lagAfterPoll;
    Set<TopicPartition> consuming = writing.consuming;
    Instant reportedAt = clock.instant();
    Map<TopicPartition, Instant> watermarks = new LinkedHashMap<>();
    Map<TopicPartition, Long> lastOffsets = new LinkedHashMap<>();
    for (Item item : items) {
      TopicPartition partition = new TopicPartition(item.topic(), item.partition());
      lastOffsets.put(partition, item.offset());
      Instant progress = progressOf(item, reportedAt);
      if (progress != null) {
        watermarks.merge(partition, progress, (left, right) -> left.isAfter(right) ? left : right);
      }
    }
    List<ProgressTable.Report> reports = new ArrayList<>(consuming.size());
    for (TopicPartition partition : consuming) {
      if (!lastOffsets.containsKey(partition)) {
        // Polled records that another part of the batch writes leave the partition behind.
        Long lag = lastPolled.containsKey(partition) ? null : lagAfterPoll.get(partition);
        reports.add(
            new ProgressTable.Report(
                partition.topic(), partition.partition(), null, lag != null && lag == 0, lag));
      }
    }
    lastOffsets.forEach(
        (partition, last) -> {
          Long lag = lagAfterPoll.get(partition);
          Long polledUpTo = lastPolled.get(partition);
          Long left = lag == null || polledUpTo == null ? null : lag + (polledUpTo - last);
          reports.add(
              new ProgressTable.Report(
                  partition.topic(),
                  partition.partition(),
                  watermarks.get(partition),
                  left != null && left == 0,
                  left));
        });
    ProgressTable.report(handle, groupId, reporter, reportedAt, reports);
  }

  /**
   * The item's event time, bounded by its Kafka timestamp (kept in its {@code RecordMeta}) and by
   * {@code now}: a record cannot have been written after it was read, so a producer whose clock
   * runs ahead ({@code CreateTime}) or a record without a timestamp cannot move the watermark past
   * the time of the report, where the stored maximum would hold it until the wall clock caught up.
   */
  private static Instant progressOf(Item item, Instant now) {
    Instant recorded = item.meta().timestamp();
    Instant progress = recorded;
    if (item instanceof Item.Valid valid) {
      Instant eventTime = valid.event().time();
      progress = recorded == null || eventTime.isBefore(recorded) ? eventTime : recorded;
    }
    return progress != null && progress.isAfter(now) ? now : progress;
  }

  /**
   * Every few seconds, between batches: reports the owned partitions that have nothing left to read
   * as caught up. Partitions still being resynchronised or paused are left out (they go stale,
   * which stops the judgement at their watermark), and so is everything when the broker does not
   * answer. Never throws: progress is advisory, consuming goes on without it.
   */
  public void refresh(Consumer<?, ?> kafka, Set<TopicPartition> unsynced) {
    refresh(kafka, unsynced, Set.of());
  }

  /**
   * As {@link #refresh(Consumer, Set)}, leaving out {@code inFlight} too: partitions with records
   * polled but not yet committed are not caught up, whatever the consumer's position says.
   */
  void refresh(Consumer<?, ?> kafka, Set<TopicPartition> unsynced, Set<TopicPartition> inFlight) {
    Instant now = clock.instant();
    if (now.isBefore(nextRefresh)) {
      return;
    }
    nextRefresh = now.plus(REFRESH);
    Set<TopicPartition> partitions = new HashSet<>(kafka.assignment());
    partitions.removeAll(unsynced);
    partitions.removeAll(inFlight);
    partitions.removeAll(kafka.paused());
    if (partitions.isEmpty()) {
      return;
    }
    try {
      Map<TopicPartition, Long> ends = kafka.endOffsets(partitions, END_OFFSETS_TIMEOUT);
      List<ProgressTable.Report> reports = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        Long end = ends.get(partition);
        if (end != null) {
          long left = Math.max(0, end - kafka.position(partition, END_OFFSETS_TIMEOUT));
          reports.add(
              new ProgressTable.Report(
                  partition.topic(), partition.partition(), null, left == 0, left));
        }
      }
      database
          .jdbi()
          .useTransaction(
              handle -> ProgressTable.report(handle, groupId, reporter, clock.instant(), reports));
    } catch (RuntimeException e) {
      LOG.debug("could not report caught-up partitions: {}", e.toString());
    }
  }
}
