package io.jobwatch.metrics;

import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Whether a Kafka broker answered a consumer since the last question, read from the client's own
 * {@code consumer-metrics/response-total} (responses read from any broker's socket: fetches,
 * heartbeats, metadata, commits). While the broker is unreachable it stands still, although {@code
 * poll()} keeps returning normally. Not thread-safe: ask from the consumer's thread.
 */
final class BrokerResponses {
  private static final String GROUP = "consumer-metrics";
  private static final String NAME = "response-total";

  private final Consumer<?, ?> consumer;
  private Metric responses;
  private double seen;

  BrokerResponses(Consumer<?, ?> consumer) {
    this.consumer = consumer;
  }

  /** True if the response count grew since the previous call (or the first call saw any). */
  boolean answeredSinceLastAsked() {
    if (responses == null) {
      responses = find(consumer.metrics());
      if (responses == null) {
        return false;
      }
    }
    double count = ((Number) responses.metricValue()).doubleValue();
    boolean grew = count > seen;
    seen = count;
    return grew;
  }

  private static Metric find(Map<MetricName, ? extends Metric> metrics) {
    for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
      MetricName name = entry.getKey();
      if (name.group().equals(GROUP) && name.name().equals(NAME)) {
        return entry.getValue();
      }
    }
    return null;
  }
}
