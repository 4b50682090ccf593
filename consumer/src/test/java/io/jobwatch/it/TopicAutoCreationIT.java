package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.embedded.EmbeddedKafka;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka brokers create a topic a client asks for by default ({@code
 * auto.create.topics.enable=true}), and so do consumers that subscribe to it unless told not to.
 * jobwatch started before the platform team created its topics must wait for them, not create them
 * with the broker's defaults (one partition), which would make the team's own create fail. The
 * broker here is one of its own that creates topics on demand (the shared test broker does not),
 * also when the tests run against an external broker.
 */
@WithInfra
class TopicAutoCreationIT {
  @TempDir Path dir;

  @Test
  @DisplayName(
      "On a broker that creates topics on demand, the consumer waits for its topics and creates"
          + " none (a plain consumer there creates the one it subscribes to)")
  void theConsumerNeverCreatesItsTopics(Infra infra) {
    try (EmbeddedKafka broker = EmbeddedKafka.startCreatingTopicsOnDemand(dir.resolve("kafka"));
        Harness harness = new Harness(infra, 1);
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      String lifecycle = "absent.lifecycle." + UUID.randomUUID();
      String errors = "absent.errors." + UUID.randomUUID();
      String control = "control." + UUID.randomUUID();

      // The control: with Kafka's defaults, a subscription creates its topic on this broker.
      try (KafkaConsumer<byte[], byte[]> plain =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  broker.bootstrapServers(),
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "control-" + UUID.randomUUID(),
                  ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                  ByteArrayDeserializer.class,
                  ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                  ByteArrayDeserializer.class))) {
        plain.subscribe(List.of(control));
        Harness.await(
            "the broker to create the plain consumer's topic",
            Duration.ofSeconds(60),
            () -> {
              plain.poll(Duration.ofMillis(200));
              return topics(admin).contains(control);
            });
      }

      var settings =
          harness
              .settings()
              .with(
                  broker.bootstrapServers(),
                  new DbConfig(
                      harness.database.jdbcUrl(),
                      harness.database.user(),
                      harness.database.password(),
                      4),
                  harness.group,
                  0)
              .withTopics(lifecycle, errors);
      try (JobwatchApp app = JobwatchApp.start(settings, Clock.systemUTC())) {
        // Every poll asks for the subscription's metadata: wait for polls well past the start.
        double started = lastPoll(app);
        Harness.await(
            "the consumer to poll for 5 s",
            Duration.ofSeconds(60),
            () -> lastPoll(app) >= started + 5);
        assertThat(topics(admin)).doesNotContain(lifecycle, errors);
      }
    }
  }

  private static double lastPoll(JobwatchApp app) {
    return Scrape.metrics(app.httpPort()).value("jobwatch_last_poll_timestamp_seconds");
  }

  private static Set<String> topics(Admin admin) {
    try {
      return admin.listTopics().names().get();
    } catch (Exception e) {
      throw new AssertionError("listing the broker's topics", e);
    }
  }
}
