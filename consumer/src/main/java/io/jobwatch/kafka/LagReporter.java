package io.jobwatch.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reports the lag of every assigned partition that the client knows after a poll. Stateless apart
 * from its listener; called on the consumer thread.
 */
final class LagReporter {
  private final PipelineListener listener;

  LagReporter(PipelineListener listener) {
    this.listener = listener;
  }

  void report(Consumer<byte[], byte[]> kafka) {
    Map<TopicPartition, Long> lag = new HashMap<>();
    for (TopicPartition partition : kafka.assignment()) {
      OptionalLong current = kafka.currentLag(partition);
      if (current.isPresent()) {
        lag.put(partition, current.getAsLong());
      }
    }
    listener.lag(lag);
  }
}
