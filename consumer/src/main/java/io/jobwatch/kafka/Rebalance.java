package io.jobwatch.kafka;

import io.jobwatch.pipeline.HistoryCache;
import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeks to the database's offsets on assignment; refreshes Kafka's copy before a revocation and
 * forgets what it knew of lost partitions. Called by the consumer inside {@code poll}, so on the
 * consumer thread; not thread-safe.
 */
final class Rebalance implements ConsumerRebalanceListener {
  private static final Logger LOG = LoggerFactory.getLogger(Rebalance.class);

  private final Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumer;
  private final OffsetResync offsets;
  private final KafkaCommits commits;
  private final HistoryCache history;
  private final PipelineListener listener;
  private final Consumer<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> assigned;
  private final Consumer<Collection<TopicPartition>> dropPolled;

  /**
   * @param assigned what to do once new partitions are paused and marked unsynchronised (the loop
   *     tries to resynchronise them at once)
   * @param dropPolled told of partitions whose records polled but not yet written must not be
   *     written (revoked, lost, or assigned anew and sought to the stored offset)
   */
  Rebalance(
      Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumer,
      OffsetResync offsets,
      KafkaCommits commits,
      HistoryCache history,
      PipelineListener listener,
      Consumer<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> assigned,
      Consumer<Collection<TopicPartition>> dropPolled) {
    this.consumer = consumer;
    this.offsets = offsets;
    this.commits = commits;
    this.history = history;
    this.listener = listener;
    this.assigned = assigned;
    this.dropPolled = dropPolled;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    // Batches are applied between polls, so no write is in flight here: the database already
    // holds every applied offset. Records polled ahead of these partitions (being decoded while
    // the batch before them was written) are dropped unwritten: the next owner reads them from
    // the stored offset. Kafka's copy is refreshed for lag tools.
    var kafka = consumer.get();
    if (kafka != null) {
      commits.commit(kafka, true);
    }
    forget(partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    forget(partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    LOG.info("assigned {}", partitions);
    history.clear();
    offsets.markUnsynced(partitions);
    dropPolled.accept(partitions);
    var kafka = consumer.get();
    if (kafka != null) {
      kafka.pause(partitions);
      assigned.accept(kafka);
    }
  }

  private void forget(Collection<TopicPartition> partitions) {
    dropPolled.accept(partitions);
    history.clear();
    offsets.forget(partitions);
    listener.released(partitions);
  }
}
