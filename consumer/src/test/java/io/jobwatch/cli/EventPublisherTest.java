package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.config.Settings;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class EventPublisherTest {
  private static String reporters(Map<String, String> environment) {
    try (EventPublisher publisher = new EventPublisher(Settings.fromEnvironment(environment))) {
      return (String)
          publisher.producerProperties().get(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG);
    }
  }

  @Test
  void theCliProducerRegistersNoMetricJmxBeansUnlessTold() {
    assertThat(reporters(Map.of())).isEmpty();
    String jmx = "org.apache.kafka.common.metrics.JmxReporter";
    assertThat(reporters(Map.of("JOBWATCH_KAFKA_METRIC_REPORTERS", jmx))).isEqualTo(jmx);
  }
}
