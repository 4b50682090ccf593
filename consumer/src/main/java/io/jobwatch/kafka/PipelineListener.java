package io.jobwatch.kafka;

import io.jobwatch.pipeline.BatchResult;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** What the consumer loop reports, for metrics and logs. Implementations must be thread-safe. */
public interface PipelineListener {
  /** A batch was committed: its outcomes, its size and how long fold and commit took. */
  void committed(BatchResult result, int records, Duration writeTime, Duration commitTime);

  /** The consumer's readiness changed (database reachable, partitions consuming). */
  void readiness(boolean ready);

  /** Lag per assigned partition, in records, after a poll. */
  void lag(Map<TopicPartition, Long> lagByPartition);

  /** Partitions that are no longer assigned, whose lag must not be exported any more. */
  void released(java.util.Collection<TopicPartition> partitions);

  /**
   * Kafka deleted {@code offsets} offsets of a partition (retention) before this consumer read
   * them; the partition resumed at its log start, and that move is stored, so each is reported
   * once.
   */
  default void lost(TopicPartition partition, long offsets) {}

  /** The Kafka consumer was created; meters that read the client's own metrics bind to it. */
  default void consumerStarted(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer) {}

  /** The Kafka consumer is about to close. */
  default void consumerClosing(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer) {}

  /** A poll returned without error (with any number of records, zero included). */
  default void polled(int records) {}

  /** A poll's records were decoded, on the decoding thread, in {@code time}. */
  default void decoded(int records, Duration time) {}

  /**
   * The consumer thread waited {@code time} for the next batch's decoding after writing the one
   * before (zero when decoding was entirely hidden behind the write).
   */
  default void decodeAwaited(Duration time) {}

  PipelineListener NONE =
      new PipelineListener() {
        @Override
        public void committed(BatchResult result, int records, Duration write, Duration commit) {}

        @Override
        public void readiness(boolean ready) {}

        @Override
        public void lag(Map<TopicPartition, Long> lagByPartition) {}

        @Override
        public void released(java.util.Collection<TopicPartition> partitions) {}
      };
}
