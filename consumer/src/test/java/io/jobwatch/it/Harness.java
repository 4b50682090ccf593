package io.jobwatch.it;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Database;
import io.jobwatch.testing.Infra;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jdbi.v3.core.Jdbi;

/** One fresh pair of topics and one fresh database for an integration test. Not thread-safe. */
final class Harness implements AutoCloseable {
  final Infra infra;
  final String lifecycle;
  final String errors;
  final Database database;
  final String group = "it-" + UUID.randomUUID();
  private KafkaProducer<byte[], byte[]> producer;

  Harness(Infra infra, int partitions) {
    this.infra = infra;
    this.lifecycle = infra.newTopic("lifecycle", partitions);
    this.errors = infra.newTopic("errors", partitions);
    this.database = infra.newDatabase();
  }

  Settings settings() {
    return Settings.fromEnvironment(
            Map.of(
                "JOBWATCH_STATE_REFRESH",
                "PT1S",
                "JOBWATCH_MAX_POLL_RECORDS",
                System.getProperty("probe.poll", "500")))
        .with(
            infra.kafkaBootstrap(),
            new DbConfig(database.jdbcUrl(), database.user(), database.password(), 4),
            group,
            0)
        .withTopics(lifecycle, errors);
  }

  JobwatchApp startApp() {
    return JobwatchApp.start(settings(), Clock.systemUTC());
  }

  Jdbi jdbi() {
    return Jdbi.create(database.jdbcUrl(), database.user(), database.password());
  }

  KafkaProducer<byte[], byte[]> producer() {
    if (producer == null) {
      Properties properties = new Properties();
      properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap());
      properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      properties.put(ProducerConfig.ACKS_CONFIG, "all");
      producer = new KafkaProducer<>(properties);
    }
    return producer;
  }

  void send(String topic, String key, String value) {
    send(topic, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  void send(String topic, String key, byte[] value) {
    producer()
        .send(
            new ProducerRecord<>(
                topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
  }

  /** Closes the producer; the next send opens a new one (after a broker restart). */
  void closeProducer() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }

  void flush() {
    producer().flush();
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }

  /** Like {@link #count} but 0 while the schema does not exist yet (another process migrates). */
  long countOnceMigrated(String sql) {
    try {
      return count(sql);
    } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
      return 0;
    }
  }

  long count(String sql) {
    return jdbi().withHandle(handle -> handle.createQuery(sql).mapTo(Long.class).one());
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
