package io.jobwatch.kafka;

import io.jobwatch.store.Database;
import io.jobwatch.store.OffsetsTable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits Kafka's copy of the offsets the database confirmed, so that lag tools work; the
 * database's copy is the one that counts. A partition with no records in flight (every record the
 * consumer returned below its position is written) is committed at the consumer's position rather
 * than after its last record: transaction markers and aborted records hold offsets that the
 * consumer skips, and lag tools would count them as lag that never drains. When idle, stopping or
 * giving partitions up, that position is first stored in the database too (see {@link
 * #storeSkipped}). Not thread-safe: owned by the consumer thread.
 */
final class KafkaCommits {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaCommits.class);

  private final Database database;
  private final String groupId;
  private final OffsetResync offsets;
  private final Supplier<Set<TopicPartition>> inFlight;
  // What Kafka last acknowledged, so that an idle consumer does not commit the same offsets again.
  private Map<TopicPartition, Long> acknowledged = Map.of();

  /**
   * @param inFlight the partitions with records polled but not yet written
   */
  KafkaCommits(
      Database database,
      String groupId,
      OffsetResync offsets,
      Supplier<Set<TopicPartition>> inFlight) {
    this.database = database;
    this.groupId = groupId;
    this.offsets = offsets;
    this.inFlight = inFlight;
  }

  /** After a batch: Kafka's copy only (a transaction's marker is passed by the next batch). */
  void commit(Consumer<byte[], byte[]> kafka, boolean sync) {
    commit(kafka, sync, sync);
  }

  /** A poll returned nothing: skipped offsets are stored, then Kafka's copy follows. */
  void commitIdle(Consumer<byte[], byte[]> kafka) {
    commit(kafka, false, true);
  }

  private void commit(Consumer<byte[], byte[]> kafka, boolean sync, boolean storeSkipped) {
    Set<TopicPartition> flying = inFlight.get();
    Set<TopicPartition> paused = kafka.paused();
    Map<TopicPartition, Long> confirmed = offsets.confirmed(kafka.assignment());
    Map<TopicPartition, Long> next = new HashMap<>();
    confirmed.forEach(
        (partition, offset) ->
            next.put(
                partition,
                flying.contains(partition) || paused.contains(partition)
                    ? offset
                    : Math.max(offset, positionOf(kafka, partition, offset))));
    if (storeSkipped) {
      storeSkipped(confirmed, next);
    }
    if (next.isEmpty() || (!sync && next.equals(acknowledged))) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    next.forEach((partition, offset) -> commits.put(partition, new OffsetAndMetadata(offset)));
    try {
      if (sync) {
        kafka.commitSync(commits, Duration.ofSeconds(5));
        acknowledged = next;
      } else {
        kafka.commitAsync(
            commits,
            (committed, error) -> {
              if (error == null) {
                acknowledged = next;
              }
            });
      }
    } catch (RuntimeException e) {
      LOG.debug("could not commit offsets to Kafka: {}", e.toString());
    }
  }

  /**
   * Stores the positions past the database's offsets: with nothing in flight, the offsets between
   * are transaction markers and aborted records, which hold no record. Otherwise the stored offset
   * stays at a partition's last marker, and once retention deletes it (a quiet partition for {@code
   * retention.ms}) the next start or owner finds it below the log start and counts the markers as
   * records lost (JobwatchRecordsLost) although every record was applied. A compare-and-set like a
   * batch's; a move another consumer beat, or that fails, stores nothing and is tried again at the
   * next idle poll (a failed COMMIT whose answer was lost only fences the next batch, which then
   * reads from the stored offset: the same records).
   */
  private void storeSkipped(Map<TopicPartition, Long> confirmed, Map<TopicPartition, Long> next) {
    next.forEach(
        (partition, offset) -> {
          if (offset <= confirmed.get(partition)) {
            return;
          }
          Map<TopicPartition, Long> move = Map.of(partition, offset);
          try {
            if (database
                .jdbi()
                .inTransaction(
                    handle -> OffsetsTable.advance(handle, groupId, offsets.advances(move)))) {
              offsets.advanced(move);
            }
          } catch (RuntimeException e) {
            LOG.debug("could not store the offset past {}'s markers: {}", partition, e.toString());
          }
        });
  }

  /** The consumer's position, or {@code fallback} when it has none at hand. */
  private static long positionOf(
      Consumer<byte[], byte[]> kafka, TopicPartition partition, long fallback) {
    try {
      return kafka.position(partition, Duration.ZERO);
    } catch (RuntimeException e) {
      return fallback;
    }
  }
}
