package io.jobwatch.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the simulated schedulers, runners and cron scripts of {@link DemoScenario} against a Kafka
 * broker, cycle after cycle, until {@link #stop} or the deadline. {@link #run} on one thread;
 * {@link #stop} from any.
 */
public final class DemoPublishers implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DemoPublishers.class);

  private final String lifecycleTopic;
  private final String errorsTopic;
  private final KafkaProducer<byte[], byte[]> producer;
  private volatile boolean stopping;
  private volatile long sent;

  public DemoPublishers(
      String bootstrap, Properties overrides, String lifecycleTopic, String errorsTopic) {
    this.lifecycleTopic = lifecycleTopic;
    this.errorsTopic = errorsTopic;
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.CLIENT_ID_CONFIG, "jobwatch-demo-publishers");
    properties.putAll(overrides);
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    this.producer = new KafkaProducer<>(properties);
  }

  /** Publishes cycle after cycle until {@link #stop}. */
  @Override
  public void run() {
    int cycle = 0;
    while (!stopping) {
      runCycle(cycle++);
    }
    producer.flush();
  }

  private void runCycle(int cycle) {
    long start = System.currentTimeMillis();
    List<DemoScenario.Step> steps = DemoScenario.cycle(cycle);
    for (DemoScenario.Step step : steps) {
      if (!sleepUntil(start + step.atMillis())) {
        return;
      }
      DemoRecord record = step.record().apply(Instant.now());
      producer.send(
          new ProducerRecord<>(
              record.errors() ? errorsTopic : lifecycleTopic,
              record.key().getBytes(StandardCharsets.UTF_8),
              record.value().getBytes(StandardCharsets.UTF_8)),
          (metadata, error) -> {
            if (error != null) {
              LOG.warn("demo record not delivered: {}", error.toString());
            }
          });
      sent++;
    }
    producer.flush();
    sleepUntil(start + DemoScenario.CYCLE_MILLIS);
  }

  /** Records handed to the producer so far. */
  public long sent() {
    return sent;
  }

  private boolean sleepUntil(long epochMillis) {
    while (!stopping) {
      long wait = epochMillis - System.currentTimeMillis();
      if (wait <= 0) {
        return true;
      }
      try {
        Thread.sleep(Math.min(wait, 200));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
    }
    return false;
  }

  public void stop() {
    stopping = true;
  }

  @Override
  public void close() {
    stop();
    producer.close(Duration.ofSeconds(5));
  }
}
