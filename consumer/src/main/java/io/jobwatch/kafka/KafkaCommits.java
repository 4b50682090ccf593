package io.jobwatch.kafka;

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
 * consumer skips, and lag tools would count them as lag that never drains. Not thread-safe: owned
 * by the consumer thread.
 */
final class KafkaCommits {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaCommits.class);

  private final OffsetResync offsets;
  private final Supplier<Set<TopicPartition>> inFlight;
  // What Kafka last acknowledged, so that an idle consumer does not commit the same offsets again.
  private Map<TopicPartition, Long> acknowledged = Map.of();

  /**
   * @param inFlight the partitions with records polled but not yet written
   */
  KafkaCommits(OffsetResync offsets, Supplier<Set<TopicPartition>> inFlight) {
    this.offsets = offsets;
    this.inFlight = inFlight;
  }

  void commit(Consumer<byte[], byte[]> kafka, boolean sync) {
    Set<TopicPartition> flying = inFlight.get();
    Set<TopicPartition> paused = kafka.paused();
    Map<TopicPartition, Long> next = new HashMap<>();
    offsets
        .confirmed(kafka.assignment())
        .forEach(
            (partition, confirmed) ->
                next.put(
                    partition,
                    flying.contains(partition) || paused.contains(partition)
                        ? confirmed
                        : Math.max(confirmed, positionOf(kafka, partition, confirmed))));
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
