package io.jobwatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Connect standalone, in this process, running Debezium's JDBC sink in one of two ways:
 *
 * <ul>
 *   <li>latest row per job: the lifecycle topic only, each job's latest record upserted by key (the
 *       record key is the job id) into {@code dbz_jobs};
 *   <li>every event ({@code everyEvent}, issue 12.1): both topics, every record stored raw into
 *       {@code dbz_events}, keyed by its Kafka coordinates (topic, partition, offset): the "land
 *       raw events, fold them in SQL views" alternative. The sink cannot key by the event id inside
 *       a plain JSON string without a custom transform, so re-published duplicates are stored twice
 *       (a view dedupes them by {@code event->>'id'}).
 * </ul>
 *
 * The string value is wrapped into a one-field struct by Kafka's HoistField SMT, which gives the
 * sink the schema it needs without changing the records. Connect and Debezium are loaded by name,
 * so this compiles without them; they are on the class path only in builds with {@code -Pdebezium}.
 * Thread-safe.
 */
final class DebeziumContender implements Contender {
  static final String TABLE = "dbz_jobs";
  static final String EVENTS_TABLE = "dbz_events";
  private static final Logger LOG = LoggerFactory.getLogger(DebeziumContender.class);
  private static final String CONNECTOR_CLASS = "io.debezium.connector.jdbc.JdbcSinkConnector";
  private static final String CONNECT_MAIN = "org.apache.kafka.connect.cli.ConnectStandalone";
  private final boolean everyEvent;
  private final String connectorName;
  private Admin admin;
  private ChildConfig config;
  private volatile long lastHandled;
  private volatile long lastAsked;

  /**
   * @param everyEvent store every record of both topics instead of each job's latest one
   */
  DebeziumContender(boolean everyEvent) {
    this.everyEvent = everyEvent;
    this.connectorName = everyEvent ? "bench-dbz-events" : "bench-dbz";
  }

  /** True when Connect and the Debezium JDBC sink are on the class path. */
  static boolean available() {
    try {
      Class.forName(CONNECTOR_CLASS, false, DebeziumContender.class.getClassLoader());
      Class.forName(CONNECT_MAIN, false, DebeziumContender.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @Override
  public void start(ChildConfig config) {
    this.config = config;
    Path dir = Path.of(config.workDir());
    Properties worker = new Properties();
    worker.put("bootstrap.servers", config.bootstrap());
    worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    worker.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
    worker.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
    // Sink offsets are committed to Kafka after the sink flushed; often, so the delay is visible.
    worker.put("offset.flush.interval.ms", "100");
    worker.put("listeners", "http://127.0.0.1:0");
    worker.put("plugin.discovery", "only_scan");
    worker.put("consumer.max.poll.records", Integer.toString(config.maxPollRecords()));
    worker.put("consumer.auto.offset.reset", "earliest");
    worker.put("consumer.interceptor.classes", RecordClock.class.getName());
    Properties connector = new Properties();
    connector.put("name", connectorName);
    connector.put("connector.class", CONNECTOR_CLASS);
    connector.put("tasks.max", "1");
    connector.put(
        "topics",
        everyEvent
            ? config.lifecycleTopic() + "," + config.errorsTopic()
            : config.lifecycleTopic());
    connector.put("connection.url", config.dbUrl());
    connector.put("connection.username", config.dbUser());
    connector.put("connection.password", config.dbPassword());
    connector.put("insert.mode", "upsert");
    connector.put("schema.evolution", "basic");
    connector.put("use.reduction.buffer", "true");
    // Debezium 3.5's unnest writer fails with primary.key.mode=kafka (a NullPointerException in
    // UnnestRecordWriter.bindNonKeyFieldArrays: the key columns are not record fields), so the
    // store-every-event contender writes with the sink's batched upsert statements instead.
    connector.put("dialect.postgres.unnest.insert.enabled", Boolean.toString(!everyEvent));
    connector.put("batch.size", Integer.toString(config.maxPollRecords()));
    connector.put("transforms.hoist.type", "org.apache.kafka.connect.transforms.HoistField$Value");
    connector.put("transforms.hoist.field", "event");
    if (everyEvent) {
      // Every record its own row: the primary key is the record's topic, partition and offset
      // (__connect_topic, __connect_partition, __connect_offset), so nothing is reduced away.
      connector.put("primary.key.mode", "kafka");
      connector.put("collection.name.format", EVENTS_TABLE);
      connector.put("transforms", "hoist");
    } else {
      connector.put("primary.key.mode", "record_key");
      connector.put("primary.key.fields", "job_id");
      connector.put("collection.name.format", TABLE);
      // The sink needs a schema for key and value: wrap the plain strings into one-field structs.
      connector.put("transforms", "key,hoist");
      connector.put("transforms.key.type", "org.apache.kafka.connect.transforms.HoistField$Key");
      connector.put("transforms.key.field", "job_id");
    }
    Path workerFile = write(dir.resolve("worker.properties"), worker);
    Path connectorFile = write(dir.resolve("connector.properties"), connector);
    Properties adminProperties = new Properties();
    adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrap());
    admin = Admin.create(adminProperties);
    Thread connect =
        new Thread(
            () -> {
              try {
                Class.forName(CONNECT_MAIN)
                    .getMethod("main", String[].class)
                    .invoke(
                        null,
                        (Object) new String[] {workerFile.toString(), connectorFile.toString()});
              } catch (ClassNotFoundException
                  | NoSuchMethodException
                  | IllegalAccessException
                  | InvocationTargetException e) {
                LOG.error("Kafka Connect standalone failed", e);
              }
            },
            "bench-connect");
    connect.setDaemon(true);
    connect.start();
  }

  private static Path write(Path file, Properties properties) {
    try (Writer out = Files.newBufferedWriter(file)) {
      properties.store(out, "bench: Debezium JDBC sink contender");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private String group() {
    return "connect-" + connectorName;
  }

  @Override
  public boolean ready() {
    try {
      ConsumerGroupDescription group =
          admin.describeConsumerGroups(List.of(group())).all().get().get(group());
      return group.members().stream()
          .anyMatch(member -> !member.assignment().topicPartitions().isEmpty());
    } catch (ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public long handled() {
    long now = System.currentTimeMillis();
    if (now - lastAsked < 50) {
      return lastHandled;
    }
    lastAsked = now;
    try {
      Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group()).partitionsToOffsetAndMetadata().get();
      // Only this run's topics: the group keeps the offsets of earlier (paced) runs' topics.
      List<String> topics = List.of(config.lifecycleTopic(), config.errorsTopic());
      lastHandled =
          offsets.entrySet().stream()
              .filter(e -> e.getValue() != null && topics.contains(e.getKey().topic()))
              .mapToLong(e -> e.getValue().offset())
              .sum();
    } catch (ExecutionException e) {
      LOG.debug("no offsets yet: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return lastHandled;
  }

  @Override
  public Map<String, Object> extras() {
    Map<String, Object> extras = new LinkedHashMap<>();
    extras.put(
        "reads",
        everyEvent
            ? "both topics, every record stored raw, keyed by topic/partition/offset (no fold)"
            : config.lifecycleTopic() + " only (latest record per job, no fold)");
    extras.put("delayMeasuredTo", "Kafka offset commit after the sink's flush (at-least-once)");
    return extras;
  }

  @Override
  public void close() {
    admin.close();
  }
}
