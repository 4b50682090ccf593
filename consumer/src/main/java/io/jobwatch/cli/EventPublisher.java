package io.jobwatch.cli;

import io.jobwatch.JobwatchException;
import io.jobwatch.config.LoggingConfigurator;
import io.jobwatch.config.Settings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes records for the CLI and waits for each acknowledgement, with a short delivery timeout.
 * Once a send fails the broker counts as unreachable for the rest of this process, so further
 * records go to the {@link Spool} at once instead of waiting again; a record Kafka refuses for good
 * ({@link Refused}: too large, a topic that may not be written) says nothing about the broker and
 * does not count. Sends from one thread at a time; {@link #connect}, {@link #giveUp} and {@link
 * #close} may come from others.
 */
final class EventPublisher implements AutoCloseable {
  static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(5);

  private final Settings settings;
  private final Duration deliveryTimeout;
  private KafkaProducer<byte[], byte[]> producer; // guarded by this
  private boolean closed; // guarded by this
  private volatile boolean unreachable;
  private volatile String problem; // the first failed send's, for later refusals and reports

  EventPublisher(Settings settings) {
    this(settings, DELIVERY_TIMEOUT);
  }

  /**
   * A publisher for the CLI. The Kafka client's own log lines are turned off before the producer or
   * the topic check is made ({@link LoggingConfigurator#quietKafkaForRun}): {@code jobwatch run}'s
   * command's standard error must pass through unchanged, and scripts and cron lines call {@code
   * emit} and the others, where cron mails whatever a line prints (the client's WARN lines came
   * every 0.2 s while the broker was away). A failed send names its cause itself.
   */
  EventPublisher(Settings settings, Duration deliveryTimeout) {
    this.settings = settings;
    this.deliveryTimeout = deliveryTimeout;
  }

  /** A publisher for {@code jobwatch run}. */
  static EventPublisher forRun(Settings settings) {
    return new EventPublisher(settings, DELIVERY_TIMEOUT);
  }

  /** Where a record landed. */
  record Delivery(String topic, int partition, long offset) {}

  /**
   * Sends one record and waits for the broker's acknowledgement.
   *
   * @throws JobwatchException when it was not acknowledged within the delivery timeout
   */
  Delivery send(OutgoingRecord record) {
    List<Header> headers = new ArrayList<>();
    record
        .headers()
        .forEach(
            (name, text) ->
                headers.add(new RecordHeader(name, text.getBytes(StandardCharsets.UTF_8))));
    return send(
        record.topic(),
        record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
        record.value().getBytes(StandardCharsets.UTF_8),
        headers);
  }

  /** Sends raw bytes and waits for the acknowledgement. */
  Delivery send(String topic, byte[] key, byte[] value) {
    return send(topic, key, value, List.of());
  }

  /** Sends raw bytes with headers and waits for the acknowledgement. */
  Delivery send(String topic, byte[] key, byte[] value, List<Header> headers) {
    if (unreachable) {
      throw new JobwatchException(
          "Kafka at "
              + settings.kafkaBootstrap()
              + " is unreachable"
              + (problem == null ? "" : " (" + problem + ")"));
    }
    try {
      RecordMetadata metadata =
          producer()
              .send(new ProducerRecord<>(topic, null, key, value, headers))
              .get(deliveryTimeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
      return new Delivery(metadata.topic(), metadata.partition(), metadata.offset());
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      if (refusesForGood(cause)) {
        // The broker answered: this record (its size, its topic) is the problem, not the broker.
        throw new Refused(
            "Kafka at "
                + settings.kafkaBootstrap()
                + " refuses a record for "
                + topic
                + ": "
                + withRootCause(cause),
            cause);
      }
      String failure =
          "Kafka at "
              + settings.kafkaBootstrap()
              + " did not acknowledge a record for "
              + topic
              + ": "
              + withRootCause(cause);
      if (problem == null) {
        problem = failure;
      }
      unreachable = true;
      throw new JobwatchException(failure, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobwatchException("interrupted while sending to " + topic, e);
    }
  }

  /**
   * {@code cause} and, if it wraps one, the error at its root: a client that could not be made says
   * only "Failed to construct kafka producer", and the reason (a SASL mechanism without a JAAS
   * configuration, a trust store that cannot be read) is what the operator must change. Kafka's
   * messages name settings, never the values of its password-typed ones.
   */
  static String withRootCause(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == cause ? cause.toString() : cause + " (" + root + ")";
  }

  /** A send that failed for a reason that sending again cannot change. */
  static final class Refused extends JobwatchException {
    private static final long serialVersionUID = 1L;

    Refused(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Whether {@code cause} says Kafka will never take this record, for reasons of the record itself:
   * too large (for the producer, the broker or the topic), a topic name Kafka refuses, a record or
   * a topic policy the broker rejects. An allow-list: anything else (retriable errors, timeouts,
   * authentication, authorisation, which an ACL change may grant again in minutes, a broker's
   * unknown error, a clock outside the broker's timestamp bounds, a setting the broker refuses) may
   * pass later or fails every record alike, and keeps the spool as it is.
   */
  static boolean refusesForGood(Throwable cause) {
    return cause instanceof RecordTooLargeException
        || cause instanceof RecordBatchTooLargeException
        || cause instanceof InvalidTopicException
        || cause instanceof InvalidRecordException
        || cause instanceof PolicyViolationException;
  }

  /** Sends each record; from the first failure on, appends the rest to the spool. */
  Outcome sendOrSpool(List<OutgoingRecord> records, Spool spool) {
    for (int i = 0; i < records.size(); i++) {
      try {
        send(records.get(i));
      } catch (JobwatchException e) {
        spool.append(records.subList(i, records.size()));
        return new Outcome(i, records.size() - i, e.getMessage());
      }
    }
    return new Outcome(records.size(), 0, null);
  }

  /** How many records were sent and spooled, and why spooling was necessary. */
  record Outcome(int sent, int spooled, String problem) {}

  /**
   * Sends what the spool holds, oldest first. A record Kafka refuses for good (its topic does not
   * exist or may not be written, it is too large, …) is moved to the spool's rejected file and the
   * next one is sent; the first other failure (the broker is away) stops, keeping it and the rest
   * in order, and counts the broker as unreachable.
   */
  Spool.Drained flush(Spool spool) {
    if (unreachable) {
      return Spool.Drained.NONE;
    }
    // The topic check's admin client may come before the producer: quiet either way.
    LoggingConfigurator.quietKafkaForRun();
    try (TopicCheck topics = new TopicCheck(adminProperties(), deliveryTimeout)) {
      return spool.offerEach(record -> offer(record, topics));
    }
  }

  private Spool.Offer offer(OutgoingRecord record, TopicCheck topics) {
    if (unreachable) {
      return Spool.Offer.KEPT;
    }
    String refusal = topics.refusal(record.topic());
    if (refusal != null) {
      return Spool.Offer.rejected(refusal);
    }
    try {
      send(record);
      return Spool.Offer.DELIVERED;
    } catch (Refused e) {
      return Spool.Offer.rejected(e.getMessage());
    } catch (JobwatchException e) {
      String missing =
          e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
              ? topics.refusalAfterTimeout(record.topic())
              : null;
      if (missing == null) {
        return Spool.Offer.KEPT;
      }
      // The broker answers and has no such topic: the timeout was the topic's, not the broker's.
      unreachable = false;
      problem = null;
      return Spool.Offer.rejected(missing);
    }
  }

  /** The admin client's share of the producer's configuration (bootstrap, TLS, SASL). */
  private Properties adminProperties() {
    Properties producer = producerProperties();
    Properties admin = new Properties();
    for (String name : AdminClientConfig.configNames()) {
      if (producer.containsKey(name)) {
        admin.put(name, producer.get(name));
      }
    }
    admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "jobwatch-cli-topics");
    return admin;
  }

  boolean unreachable() {
    return unreachable;
  }

  /** Why the first failed send failed, or null if none did. */
  String problem() {
    return problem;
  }

  /** Counts the broker as unreachable from now on: no more sends, and close does not wait. */
  void giveUp() {
    unreachable = true;
  }

  /**
   * Creates the producer and has it fetch the lifecycle topic's metadata, so that the first send
   * finds the connection, the topic's partitions and (idempotence) the producer id ready; for a
   * thread of its own while the caller does other work (issue 12.5). A failure is left to the
   * sends, which report it with their own timeout: this never marks the broker unreachable.
   */
  void connect() {
    try {
      producer().partitionsFor(settings.lifecycleTopic());
    } catch (RuntimeException e) {
      // The first send meets the same problem and reports it (or spools).
    }
  }

  private synchronized KafkaProducer<byte[], byte[]> producer() {
    if (closed) {
      throw new IllegalStateException("publisher closed");
    }
    if (producer == null) {
      LoggingConfigurator.quietKafkaForRun();
      producer = new KafkaProducer<>(producerProperties());
    }
    return producer;
  }

  /** The producer's configuration: the CLI's defaults, then JOBWATCH_KAFKA_* overrides. */
  Properties producerProperties() {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    properties.put(ProducerConfig.CLIENT_ID_CONFIG, "jobwatch-cli");
    int timeout = (int) deliveryTimeout.toMillis();
    properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(timeout));
    properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeout));
    properties.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(timeout));
    properties.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    // No JMX reporter (Kafka's default): a command that lives a second has nobody reading its
    // MBeans, and registering one per metric was a fifth of `jobwatch run`'s start (issue 12.5).
    properties.put(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
    properties.putAll(settings.kafkaOverrides());
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return properties;
  }

  /** Closes the producer, waiting for it to be made if {@link #connect} is making it. */
  @Override
  public synchronized void close() {
    closed = true;
    if (producer != null) {
      producer.close(unreachable ? Duration.ZERO : Duration.ofSeconds(5));
    }
  }
}
