package io.jobwatch.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits Kafka's copy of the offsets the database confirmed, so that lag tools work; the
 * database's copy is the one that counts. Not thread-safe: owned by the consumer thread.
 */
final class KafkaCommits {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaCommits.class);

  private final OffsetResync offsets;

  KafkaCommits(OffsetResync offsets) {
    this.offsets = offsets;
  }

  void commit(Consumer<byte[], byte[]> kafka, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    offsets
        .confirmed(kafka.assignment())
        .forEach((partition, next) -> commits.put(partition, new OffsetAndMetadata(next)));
    if (commits.isEmpty()) {
      return;
    }
    try {
      if (sync) {
        kafka.commitSync(commits, Duration.ofSeconds(5));
      } else {
        kafka.commitAsync(commits, null);
      }
    } catch (RuntimeException e) {
      LOG.debug("could not commit offsets to Kafka: {}", e.toString());
    }
  }
}
