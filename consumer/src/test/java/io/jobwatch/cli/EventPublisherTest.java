package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.config.Settings;
import java.util.List;
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

  @Test
  void onlyARecordsOwnNonRetriableFailureCountsAsRefusedForGood() {
    for (Exception own :
        List.<Exception>of(
            new org.apache.kafka.common.errors.RecordTooLargeException("too large"),
            new org.apache.kafka.common.errors.InvalidTopicException("bad name"))) {
      assertThat(EventPublisher.refusesForGood(own)).as("%s", own).isTrue();
    }
    // The broker, the connection or an authorisation an ACL change may grant again in minutes: the
    // spool stays as it is.
    for (Exception passing :
        List.<Exception>of(
            new org.apache.kafka.common.errors.TopicAuthorizationException("no write"),
            new org.apache.kafka.common.errors.UnknownServerException("authorizer down"),
            new org.apache.kafka.common.errors.InvalidTimestampException("clock"),
            new org.apache.kafka.common.errors.TimeoutException("not present in metadata"),
            new org.apache.kafka.common.errors.SaslAuthenticationException("bad password"),
            new org.apache.kafka.common.errors.ClusterAuthorizationException("no idempotence"),
            new org.apache.kafka.common.errors.NotEnoughReplicasException("one replica"),
            new IllegalStateException("closed"))) {
      assertThat(EventPublisher.refusesForGood(passing)).as("%s", passing).isFalse();
    }
  }
}
