package io.jobwatch.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM
 * on 127.0.0.1; thread-safe (life-cycle methods are synchronized).
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaBrokerSettings settings;
  // Created once the broker answers and closed when it stops, so it never logs connection refusals.
  private Admin admin;
  private KafkaRaftServer server;
  private boolean closed;

  private EmbeddedKafka(KafkaBrokerSettings settings) {
    this.settings = settings;
  }

  /** Formats {@code logDir} if it is new and starts a broker on free ports. */
  public static EmbeddedKafka start(Path logDir) {
    KafkaBrokerSettings settings =
        new KafkaBrokerSettings(logDir, FreePort.pick(), FreePort.pick());
    KafkaStorageFormatter.formatIfNeeded(settings);
    EmbeddedKafka kafka = new EmbeddedKafka(settings);
    kafka.restart();
    return kafka;
  }

  /**
   * Formats {@code logDir} if it is new and starts a broker on free ports that creates a topic a
   * client asks for and that does not exist, as Kafka's own default ({@code
   * auto.create.topics.enable=true}) does: tests that jobwatch never relies on, or causes, that.
   */
  public static EmbeddedKafka startCreatingTopicsOnDemand(Path logDir) {
    KafkaBrokerSettings settings =
        new KafkaBrokerSettings(logDir, FreePort.pick(), FreePort.pick()).creatingTopicsOnDemand();
    KafkaStorageFormatter.formatIfNeeded(settings);
    EmbeddedKafka kafka = new EmbeddedKafka(settings);
    kafka.restart();
    return kafka;
  }

  /**
   * Formats {@code logDir} and starts a broker with, beside the PLAINTEXT listener, a SASL_SSL
   * listener using {@code saslSsl}'s certificate and SCRAM user (tests of secure transport).
   */
  public static EmbeddedKafka startWithSaslSsl(Path logDir, KafkaSaslSsl saslSsl) {
    KafkaBrokerSettings settings =
        new KafkaBrokerSettings(logDir, FreePort.pick(), FreePort.pick(), FreePort.pick(), saslSsl);
    KafkaStorageFormatter.formatIfNeeded(settings);
    EmbeddedKafka kafka = new EmbeddedKafka(settings);
    kafka.restart();
    return kafka;
  }

  /** {@code 127.0.0.1:port} of the SASL_SSL listener; only for {@link #startWithSaslSsl}. */
  public String saslSslBootstrapServers() {
    return settings.saslSslBootstrapServers();
  }

  /** {@code 127.0.0.1:port}, stable across {@link #stop()} and {@link #restart()}. */
  public String bootstrapServers() {
    return settings.bootstrapServers();
  }

  /** Creates a topic with replication factor 1 and waits until every partition has a leader. */
  public synchronized void createTopic(String name, int partitions) {
    if (server == null) {
      throw new IllegalStateException("Kafka broker " + bootstrapServers() + " is not running");
    }
    try {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
      awaitLeaders(name, partitions);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedServerException("Interrupted while creating topic " + name, e);
    } catch (ExecutionException e) {
      throw new EmbeddedServerException("Could not create topic " + name, e.getCause());
    }
  }

  /** Shuts the broker down; its log directory and port stay reserved for {@link #restart()}. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    long startNanos = System.nanoTime();
    admin.close(Duration.ofSeconds(5));
    admin = null;
    server.shutdown();
    server.awaitShutdown();
    server = null;
    LOG.info("Kafka broker {} stopped in {} ms", bootstrapServers(), millisSince(startNanos));
  }

  /** Starts the broker (again) on the same port and log directory and waits until it answers. */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("Kafka broker " + bootstrapServers() + " is closed");
    }
    if (server != null) {
      return;
    }
    long startNanos = System.nanoTime();
    KafkaConfig config = KafkaConfig.fromProps(settings.toProperties(), false);
    KafkaRaftServer starting = new KafkaRaftServer(config, Time.SYSTEM);
    try {
      starting.startup();
    } catch (RuntimeException e) {
      starting.shutdown();
      throw new EmbeddedServerException("Kafka broker " + bootstrapServers() + " did not start", e);
    }
    server = starting;
    admin = Admin.create(adminProperties(settings.bootstrapServers()));
    awaitBroker();
    LOG.info(
        "Kafka broker {} ready in {} ms (log dir {})",
        bootstrapServers(),
        millisSince(startNanos),
        settings.logDir());
  }

  /** Stops the broker and deletes its log directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    stop();
    closed = true;
    try {
      Directories.deleteRecursively(settings.logDir());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete Kafka log dir " + settings.logDir(), e);
    }
  }

  private void awaitBroker() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      try {
        if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new EmbeddedServerException("Kafka broker " + bootstrapServers() + " not ready", e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EmbeddedServerException("Interrupted while waiting for the broker", e);
      }
      pause();
    }
  }

  private void awaitLeaders(String topic, int partitions)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Map<String, TopicDescription> described =
            admin.describeTopics(List.of(topic)).allTopicNames().get();
        TopicDescription description = described.get(topic);
        if (description.partitions().size() == partitions
            && description.partitions().stream().allMatch(p -> p.leader() != null)) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      pause();
    }
    throw new EmbeddedServerException("Topic " + topic + " has no leader after " + READY_TIMEOUT);
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedServerException("Interrupted while waiting for the broker", e);
    }
  }

  private static Properties adminProperties(String bootstrapServers) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "jobwatch-embedded-kafka-admin");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    return props;
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
