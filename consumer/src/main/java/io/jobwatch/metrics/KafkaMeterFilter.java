package io.jobwatch.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.List;
import java.util.Set;

/**
 * Keeps the Kafka client's own meters (bound by {@code KafkaClientMetrics}) within what {@code
 * promtool check metrics} accepts, as CI lints the scrape: the connection count is renamed {@code
 * kafka.consumer.connections}, and meters named with abbreviated units ({@code _ns}, {@code _ms}),
 * other gauges ending in {@code .count} or without a description are not exported. Stateless and
 * thread-safe.
 */
public final class KafkaMeterFilter implements MeterFilter {
  private static final Set<String> ABBREVIATED_UNITS = Set.of("ns", "ms", "us");

  @Override
  public Meter.Id map(Meter.Id id) {
    if (id.getName().equals("kafka.consumer.connection.count")) {
      return id.withName("kafka.consumer.connections");
    }
    return id;
  }

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    if (!id.getName().startsWith("kafka.")) {
      return MeterFilterReply.NEUTRAL;
    }
    List<String> words = List.of(id.getName().split("\\."));
    boolean abbreviatedUnit = words.stream().anyMatch(ABBREVIATED_UNITS::contains);
    boolean countSuffix = id.getType() == Meter.Type.GAUGE && id.getName().endsWith(".count");
    boolean noHelp = id.getDescription() == null || id.getDescription().isBlank();
    return abbreviatedUnit || countSuffix || noHelp
        ? MeterFilterReply.DENY
        : MeterFilterReply.NEUTRAL;
  }
}
