package io.jobwatch.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PipelineMetricsTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private final MutableClock clock = new MutableClock(T0);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PipelineMetrics metrics = new PipelineMetrics(clock, List.of("lifecycle"));

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  @DisplayName(
      "The last poll and commit timestamps start at the process start and follow polls and"
          + " commits separately")
  void lastPollAndCommit() {
    metrics.bindTo(registry);
    assertThat(gauge("jobwatch.last.poll.timestamp")).isEqualTo(T0.getEpochSecond());
    assertThat(gauge("jobwatch.last.commit.timestamp")).isEqualTo(T0.getEpochSecond());
    clock.advance(Duration.ofSeconds(30));
    metrics.polled(0);
    assertThat(gauge("jobwatch.last.poll.timestamp")).isEqualTo(T0.getEpochSecond() + 30);
    assertThat(gauge("jobwatch.last.commit.timestamp")).isEqualTo(T0.getEpochSecond());
    clock.advance(Duration.ofSeconds(5));
    metrics.committed(
        new io.jobwatch.pipeline.BatchResult(), 1, Duration.ofMillis(3), Duration.ofMillis(1));
    assertThat(gauge("jobwatch.last.commit.timestamp")).isEqualTo(T0.getEpochSecond() + 35);
  }

  @Test
  @DisplayName(
      "jobwatch_clock_seconds reads the clock of the timestamp gauges at each scrape, so that an"
          + " age taken from the two does not depend on Prometheus's clock")
  void clockGaugeReadsTheTimestampsClockAtTheScrape() {
    metrics.bindTo(registry);
    assertThat(gauge("jobwatch.clock")).isEqualTo(T0.getEpochSecond());
    clock.advance(Duration.ofSeconds(30));
    metrics.polled(0);
    clock.advance(Duration.ofSeconds(95));
    assertThat(gauge("jobwatch.clock")).isEqualTo(T0.getEpochSecond() + 125);
    assertThat(gauge("jobwatch.clock") - gauge("jobwatch.last.poll.timestamp"))
        .as("seconds since the last poll")
        .isEqualTo(95);
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.bindTo(prometheus);
    assertThat(prometheus.scrape()).contains("# TYPE jobwatch_clock_seconds gauge");
  }

  @Test
  @DisplayName(
      "Polls that no broker answered advance the poll timestamp but not the broker response"
          + " timestamp, which stays at the process start")
  void pollsWithoutABrokerLeaveTheResponseTimestamp() {
    metrics.bindTo(registry);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config())) {
      consumer.subscribe(List.of("lifecycle"));
      metrics.consumerStarted(consumer);
      for (int i = 0; i < 3; i++) {
        clock.advance(Duration.ofSeconds(10));
        consumer.poll(Duration.ofMillis(50));
        metrics.polled(0);
      }
      assertThat(gauge("jobwatch.last.poll.timestamp")).isEqualTo(T0.getEpochSecond() + 30);
      assertThat(gauge("jobwatch.kafka.last.response.timestamp")).isEqualTo(T0.getEpochSecond());
      metrics.consumerClosing(consumer);
    }
  }

  @Test
  @DisplayName(
      "Kafka client meters reach Prometheus lint-clean: connections renamed, abbreviated units"
          + " and undescribed meters left out, the coordinator heartbeat age kept")
  void kafkaMetersAreLintClean() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    prometheus.config().meterFilter(new KafkaMeterFilter());
    metrics.bindTo(prometheus);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config())) {
      consumer.subscribe(List.of("lifecycle"));
      metrics.consumerStarted(consumer);
      List<String> names =
          prometheus
              .scrape()
              .lines()
              .filter(line -> line.startsWith("kafka_"))
              .map(line -> line.split("[{ ]")[0])
              .toList();
      assertThat(names).contains("kafka_consumer_connections");
      assertThat(names)
          .noneMatch(name -> name.matches(".*_(ns|ms|us)(_.*)?"))
          .noneMatch(name -> name.equals("kafka_consumer_connection_count"));
      metrics.consumerClosing(consumer);
    }
  }

  private static Map<String, Object> config() {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
        ConsumerConfig.GROUP_ID_CONFIG, "metrics-test",
        ConsumerConfig.CLIENT_ID_CONFIG, "metrics-test",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
  }

  @Test
  @DisplayName(
      "The Kafka client's metrics are bound while the consumer runs and removed when it closes")
  void kafkaClientMetricsFollowTheConsumer() {
    metrics.bindTo(registry);
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1",
            ConsumerConfig.GROUP_ID_CONFIG, "metrics-test",
            ConsumerConfig.CLIENT_ID_CONFIG, "metrics-test",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      metrics.consumerStarted(consumer);
      assertThat(registry.find("kafka.consumer.connection.count").gauges()).hasSize(1);
      assertThat(registry.find("kafka.consumer.connection.count").gauge().value()).isZero();
      metrics.consumerClosing(consumer);
    }
    assertThat(registry.getMeters().stream().map(m -> m.getId().getName()))
        .noneMatch(name -> name.startsWith("kafka."));
  }

  @Test
  @DisplayName("An event stamped in the year 1700 is recorded at the delay cap, not an overflow")
  void ancientEventTimeIsRecordedAtTheCap() {
    metrics.bindTo(registry);
    io.jobwatch.pipeline.BatchResult result = new io.jobwatch.pipeline.BatchResult();
    result.appliedEventTimes().add(Instant.parse("1700-01-01T00:00:00Z"));

    metrics.committed(result, 1, Duration.ofMillis(3), Duration.ofMillis(1));

    assertThat(registry.get("jobwatch.event.delay").timer().count()).isEqualTo(1);
    assertThat(registry.get("jobwatch.event.delay").timer().max(java.util.concurrent.TimeUnit.DAYS))
        .isEqualTo(36_500);
  }
}
