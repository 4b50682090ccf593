package io.jobwatch.kafka;

import io.jobwatch.config.Settings;
import io.jobwatch.pipeline.BatchResult;
import io.jobwatch.pipeline.BatchWriter;
import io.jobwatch.pipeline.FencedException;
import io.jobwatch.pipeline.HistoryCache;
import io.jobwatch.pipeline.Item;
import io.jobwatch.store.Database;
import io.jobwatch.store.OffsetsTable;
import io.jobwatch.store.PartitionAdvance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of jobwatch: polls both topics, writes each poll as one database transaction
 * together with the next offsets, and seeks to the offsets stored in the database whenever
 * partitions are assigned (KafkaConsumer Javadoc, "Storing Offsets Outside Kafka"). When the
 * database is away it pauses, reports not-ready and resynchronises from the stored offsets once it
 * returns. Offsets are also committed to Kafka after each transaction so that lag tools work.
 *
 * <p>Runs on one thread ({@link #run}); {@link #stop} may be called from any thread.
 */
public final class ConsumerLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

  private final Settings settings;
  private final Database database;
  private final BatchWriter writer;
  private final RecordDecoder decoder;
  private final PipelineListener listener;
  private final Clock clock;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Map<TopicPartition, Long> expectedNext = new HashMap<>();
  private final Set<TopicPartition> unsynced = new HashSet<>();
  private final HistoryCache history;
  private final ProgressTracker progress;
  private volatile boolean stopping;
  private volatile boolean ready;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private Duration backoff = Duration.ofMillis(250);
  private Instant retryAt = Instant.MIN;
  private boolean outage;
  private static final Duration IDLE_CHECK = Duration.ofSeconds(5);
  private Instant nextIdleCheck = Instant.MIN;
  private boolean lastIdleCheck;

  public ConsumerLoop(
      Settings settings,
      Database database,
      BatchWriter writer,
      RecordDecoder decoder,
      PipelineListener listener,
      Clock clock) {
    this.settings = settings;
    this.database = database;
    this.writer = writer;
    this.decoder = decoder;
    this.listener = listener;
    this.clock = clock;
    this.history = new HistoryCache(settings.historyCacheJobs());
    this.progress = new ProgressTracker(database, settings.groupId(), clock);
  }

  /** Kafka client properties: ours, then any JOBWATCH_KAFKA_* pass-through on top. */
  static Properties consumerProperties(Settings settings) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(settings.maxPollRecords()));
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "jobwatch-" + ProcessHandle.current().pid());
    properties.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    properties.putAll(settings.kafkaOverrides());
    return properties;
  }

  public boolean isReady() {
    return ready;
  }

  /** Asks the loop to finish the batch in flight, commit and return; safe from any thread. */
  public void stop() {
    stopping = true;
    KafkaConsumer<byte[], byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
  }

  /** Waits until {@link #run} has returned. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  @Override
  public void run() {
    try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(consumerProperties(settings))) {
      consumer = kafka;
      kafka.subscribe(List.of(settings.lifecycleTopic(), settings.errorsTopic()), new Rebalance());
      while (!stopping) {
        pollOnce(kafka);
      }
      commitToKafka(kafka, true);
    } catch (WakeupException e) {
      if (!stopping) {
        throw e;
      }
    } finally {
      setReady(false);
      consumer = null;
      finished.countDown();
      LOG.info("consumer stopped");
    }
  }

  private void pollOnce(KafkaConsumer<byte[], byte[]> kafka) {
    if (outage || !unsynced.isEmpty()) {
      tryToRecover(kafka);
    }
    if (ready) {
      progress.refresh(kafka, unsynced);
    }
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = kafka.poll(POLL);
    } catch (WakeupException e) {
      if (stopping) {
        return;
      }
      throw e;
    }
    reportLag(kafka);
    progress.polled(kafka, records);
    if (records.isEmpty()) {
      if (!outage && unsynced.isEmpty()) {
        // An idle consumer writes nothing, so it checks the database now and then to stay honest.
        setReady(idleDatabaseCheck());
      }
      return;
    }
    apply(kafka, records);
  }

  private void apply(KafkaConsumer<byte[], byte[]> kafka, ConsumerRecords<byte[], byte[]> records) {
    List<ConsumerRecord<byte[], byte[]>> polled = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      polled.add(record);
    }
    // Decoding and schema validation are CPU-bound and independent per record: spread them over
    // the cores; the list keeps the records' order.
    List<Item> items = polled.parallelStream().map(decoder::decode).toList();
    try {
      write(items);
      commitToKafka(kafka, false);
    } catch (FencedException e) {
      history.clear();
      LOG.warn("batch rolled back: {}; re-reading stored offsets", e.getMessage());
      Set<TopicPartition> partitions = partitionsOf(items);
      unsynced.addAll(partitions);
      pause(kafka, partitions);
    } catch (RuntimeException e) {
      history.clear();
      if (!database.isReachable()) {
        enterOutage(kafka, e);
        return;
      }
      // The database answers, so something in this batch made it fail: apply the batch in
      // halves, and dead-letter the one record the database refuses rather than retry forever.
      LOG.warn(
          "database refused a batch of {} records; isolating the cause: {}",
          items.size(),
          describe(e));
      try {
        isolate(items);
        commitToKafka(kafka, false);
      } catch (FencedException fenced) {
        history.clear();
        unsynced.addAll(partitionsOf(items));
        pause(kafka, partitionsOf(items));
      } catch (RuntimeException again) {
        enterOutage(kafka, again);
      }
    }
  }

  /** Writes items (a prefix-closed run of each partition's records) as one transaction. */
  private void write(List<Item> items) {
    Map<TopicPartition, Long> nextOffsets = new LinkedHashMap<>();
    for (Item item : items) {
      nextOffsets.put(new TopicPartition(item.topic(), item.partition()), item.offset() + 1);
    }
    List<PartitionAdvance> advances = new ArrayList<>(nextOffsets.size());
    nextOffsets.forEach(
        (partition, next) ->
            advances.add(
                new PartitionAdvance(
                    partition.topic(), partition.partition(), expectedNext.get(partition), next)));
    long started = System.nanoTime();
    long[] writeNanos = new long[1];
    BatchResult result =
        database
            .jdbi()
            .inTransaction(
                handle -> {
                  progress.committing(handle, items);
                  BatchResult written =
                      writer.write(
                          handle, settings.groupId(), items, advances, clock.instant(), history);
                  writeNanos[0] = System.nanoTime() - started;
                  return written;
                });
    Duration total = Duration.ofNanos(System.nanoTime() - started);
    expectedNext.putAll(nextOffsets);
    history.putAll(result.histories());
    backoff = Duration.ofMillis(250);
    databaseAnswered();
    listener.committed(
        result, items.size(), Duration.ofNanos(writeNanos[0]), total.minusNanos(writeNanos[0]));
  }

  /**
   * Writes items in halves, recursively; a single record the database still refuses goes to the
   * dead letters with the database's reason. Each half keeps the records' order, so every
   * transaction advances each partition over a contiguous run of offsets.
   */
  private void isolate(List<Item> items) {
    if (items.size() == 1) {
      Item item = items.get(0);
      try {
        write(items);
      } catch (FencedException e) {
        throw e;
      } catch (RuntimeException e) {
        if (!isCausedByData(e) || !database.isReachable()) {
          throw e;
        }
        LOG.warn(
            "dead-lettering {}-{}@{}: {}",
            item.topic(),
            item.partition(),
            item.offset(),
            describe(e));
        write(List.of(refused(item, e)));
      }
      return;
    }
    int half = items.size() / 2;
    for (List<Item> part : List.of(items.subList(0, half), items.subList(half, items.size()))) {
      try {
        write(part);
      } catch (FencedException e) {
        throw e;
      } catch (RuntimeException e) {
        history.clear();
        isolate(part);
      }
    }
  }

  private static Item refused(Item item, RuntimeException cause) {
    if (item instanceof Item.Valid valid) {
      return new Item.Invalid(
          valid.topic(),
          valid.partition(),
          valid.offset(),
          null,
          valid.envelopeJson().getBytes(java.nio.charset.StandardCharsets.UTF_8),
          "the database refused this event: " + rootMessage(cause));
    }
    throw new io.jobwatch.JobwatchException(
        "the database refused the dead letter at " + item.offset() + ": " + rootMessage(cause),
        cause);
  }

  /**
   * Data exceptions (SQLSTATE class 22), integrity violations (23) and program limits (54) are
   * caused by the record itself; deadlocks, lost connections and the like are retried instead.
   */
  private static boolean isCausedByData(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
        String sqlClass = sql.getSQLState().substring(0, 2);
        return sqlClass.equals("22") || sqlClass.equals("23") || sqlClass.equals("54");
      }
    }
    return false;
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    return message.length() > 500 ? message.substring(0, 500) : message;
  }

  private static Set<TopicPartition> partitionsOf(List<Item> items) {
    Set<TopicPartition> partitions = new HashSet<>();
    for (Item item : items) {
      partitions.add(new TopicPartition(item.topic(), item.partition()));
    }
    return partitions;
  }

  private void enterOutage(KafkaConsumer<byte[], byte[]> kafka, RuntimeException cause) {
    history.clear();
    if (!outage) {
      LOG.warn(
          "database write failed, pausing all partitions until it answers: {}", describe(cause));
    }
    outage = true;
    setReady(false);
    unsynced.addAll(kafka.assignment());
    pause(kafka, kafka.assignment());
    retryAt = clock.instant().plus(backoff);
    backoff =
        backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
  }

  /** Once the database answers, seeks every unsynchronised partition to its stored offset. */
  private void tryToRecover(KafkaConsumer<byte[], byte[]> kafka) {
    if (clock.instant().isBefore(retryAt)) {
      return;
    }
    Set<TopicPartition> partitions = new HashSet<>(unsynced);
    partitions.retainAll(kafka.assignment());
    try {
      Map<TopicPartition, Long> stored =
          database
              .jdbi()
              .withHandle(
                  handle ->
                      OffsetsTable.load(
                          handle,
                          settings.groupId(),
                          List.of(settings.lifecycleTopic(), settings.errorsTopic())));
      List<TopicPartition> fromStart = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        Long next = stored.get(partition);
        if (next == null) {
          fromStart.add(partition);
          expectedNext.remove(partition);
        } else {
          kafka.seek(partition, next);
          expectedNext.put(partition, next);
        }
      }
      if (!fromStart.isEmpty()) {
        kafka.seekToBeginning(fromStart);
      }
      if (outage) {
        LOG.info("database answers again; resuming from the stored offsets");
      }
      outage = false;
      unsynced.clear();
      kafka.resume(kafka.assignment());
      databaseAnswered();
    } catch (RuntimeException e) {
      enterOutage(kafka, e);
    }
  }

  private void pause(KafkaConsumer<byte[], byte[]> kafka, Collection<TopicPartition> partitions) {
    Set<TopicPartition> owned = new HashSet<>(partitions);
    owned.retainAll(kafka.assignment());
    kafka.pause(owned);
  }

  private void commitToKafka(KafkaConsumer<byte[], byte[]> kafka, boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : kafka.assignment()) {
      Long next = expectedNext.get(partition);
      if (next != null && !unsynced.contains(partition)) {
        offsets.put(partition, new OffsetAndMetadata(next));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      if (sync) {
        kafka.commitSync(offsets, Duration.ofSeconds(5));
      } else {
        kafka.commitAsync(offsets, null);
      }
    } catch (RuntimeException e) {
      // The database holds the offsets that count; Kafka's copy only serves lag tools.
      LOG.debug("could not commit offsets to Kafka: {}", e.toString());
    }
  }

  private void reportLag(KafkaConsumer<byte[], byte[]> kafka) {
    Map<TopicPartition, Long> lag = new HashMap<>();
    for (TopicPartition partition : kafka.assignment()) {
      OptionalLong current = kafka.currentLag(partition);
      if (current.isPresent()) {
        lag.put(partition, current.getAsLong());
      }
    }
    listener.lag(lag);
  }

  private boolean idleDatabaseCheck() {
    Instant now = clock.instant();
    if (now.isBefore(nextIdleCheck)) {
      return lastIdleCheck;
    }
    nextIdleCheck = now.plus(IDLE_CHECK);
    lastIdleCheck = database.isReachable();
    return lastIdleCheck;
  }

  /** A committed batch or a successful resynchronisation counts as a database check. */
  private void databaseAnswered() {
    lastIdleCheck = true;
    nextIdleCheck = clock.instant().plus(IDLE_CHECK);
    setReady(true);
  }

  private void setReady(boolean value) {
    if (ready != value) {
      ready = value;
      listener.readiness(value);
    }
  }

  private static String describe(Throwable error) {
    StringBuilder text = new StringBuilder(error.toString());
    Throwable cause = error.getCause();
    while (cause != null && text.length() < 400) {
      text.append(" <- ").append(cause);
      cause = cause.getCause();
    }
    return text.toString();
  }

  /** Seeks to the database's offsets on assignment; commits Kafka's copy before a revocation. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Batches are applied between polls, so nothing is in flight here: the database already
      // holds every applied offset. Kafka's copy is refreshed for lag tools.
      KafkaConsumer<byte[], byte[]> kafka = consumer;
      if (kafka != null) {
        commitToKafka(kafka, true);
      }
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      LOG.info("assigned {}", partitions);
      history.clear();
      unsynced.addAll(partitions);
      KafkaConsumer<byte[], byte[]> kafka = consumer;
      if (kafka != null) {
        kafka.pause(partitions);
        retryAt = outage ? retryAt : Instant.MIN;
        tryToRecover(kafka);
      }
    }

    private void forget(Collection<TopicPartition> partitions) {
      history.clear();
      for (TopicPartition partition : partitions) {
        expectedNext.remove(partition);
        unsynced.remove(partition);
      }
      listener.released(partitions);
    }
  }
}
