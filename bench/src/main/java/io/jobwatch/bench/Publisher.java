package io.jobwatch.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes a generated workload into a topic pair, as fast as possible or paced at a rate with
 * event time = publish time. Idempotent producer, acks=all. Not thread-safe.
 */
final class Publisher implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String lifecycle;
  private final String errors;

  Publisher(String bootstrap, String lifecycle, String errors) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    producer = new KafkaProducer<>(properties);
    this.lifecycle = lifecycle;
    this.errors = errors;
  }

  /** Publishes every record with its generated event time. */
  WorkloadStats publishAll(WorkloadSpec spec) {
    WorkloadStats stats = new Workload(spec).generate(record -> send(record, record.value(), null));
    producer.flush();
    return stats;
  }

  /** Publishes at {@code perSecond}, each record carrying its publish time as event time. */
  WorkloadStats publishPaced(WorkloadSpec spec, double perSecond) {
    long start = System.nanoTime();
    long[] sent = {0};
    WorkloadStats stats =
        new Workload(spec)
            .generate(
                record -> {
                  long due = start + (long) (sent[0]++ * 1e9 / perSecond);
                  long wait = due - System.nanoTime();
                  if (wait > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  Instant now = Instant.now();
                  send(record, record.value(now), now.toEpochMilli());
                });
    producer.flush();
    return stats;
  }

  private void send(WorkloadRecord record, byte[] value, Long timestamp) {
    producer.send(
        new ProducerRecord<>(
            record.lifecycle() ? lifecycle : errors,
            null,
            timestamp,
            record.key().getBytes(StandardCharsets.UTF_8),
            value));
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
