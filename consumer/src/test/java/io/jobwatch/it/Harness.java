package io.jobwatch.it;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.store.DbConfig;
import io.jobwatch.store.ProgressTable;
import io.jobwatch.testing.Database;
import io.jobwatch.testing.Infra;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
  private final Map<String, String> environment;
  private KafkaProducer<byte[], byte[]> producer;
  private Jdbi jdbi;

  Harness(Infra infra, int partitions) {
    this(infra, partitions, Map.of());
  }

  /** With extra {@code JOBWATCH_*} settings, such as {@code JOBWATCH_MAX_LABEL_VALUES}. */
  Harness(Infra infra, int partitions, Map<String, String> extraEnvironment) {
    this.infra = infra;
    this.lifecycle = infra.newTopic("lifecycle", partitions);
    this.errors = infra.newTopic("errors", partitions);
    this.database = infra.newDatabase();
    Map<String, String> env = new HashMap<>();
    env.put("JOBWATCH_STATE_REFRESH", "PT1S");
    env.put("JOBWATCH_MAX_POLL_RECORDS", System.getProperty("probe.poll", "500"));
    env.putAll(extraEnvironment);
    this.environment = Map.copyOf(env);
  }

  Settings settings() {
    return Settings.fromEnvironment(environment)
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
    if (jdbi == null) {
      jdbi = Jdbi.create(database.jdbcUrl(), database.user(), database.password());
    }
    return jdbi;
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

  /**
   * Publishes a lifecycle or monitor event keyed as publishers key it (job_id, else monitor) and
   * returns its id.
   */
  String lifecycleEvent(String type, Instant time, Map<String, Object> data) {
    Object key = data.containsKey("job_id") ? data.get("job_id") : data.get("monitor");
    return publish(lifecycle, (String) key, type, time, data);
  }

  /**
   * Job dep-SERVICE, submitted at {@code submitted} together with waiter-SERVICE that depends on it
   * (default accept), starts 30 s later and finishes at {@code finishedAt} with {@code exitCode};
   * waiter-SERVICE is still pending.
   */
  void dependencyThatFinishes(String service, Instant submitted, Instant finishedAt, int exitCode) {
    String dependency = "dep-" + service;
    lifecycleEvent(
        "job.submitted",
        submitted,
        Envelopes.data("job_id", dependency, "service", service, "runner", "slurm"));
    lifecycleEvent(
        "job.submitted",
        submitted,
        Envelopes.data(
            "job_id",
            "waiter-" + service,
            "service",
            service,
            "runner",
            "slurm",
            "depends_on",
            List.of(Envelopes.dependency(dependency))));
    lifecycleEvent(
        "job.started",
        submitted.plusSeconds(30),
        Envelopes.data("job_id", dependency, "runner", "slurm", "attempt", 1));
    lifecycleEvent(
        "job.finished",
        finishedAt,
        Envelopes.data("job_id", dependency, "attempt", 1, "exit_code", exitCode));
  }

  /**
   * What the owner of the lifecycle partition reports while it is still behind, up to {@code
   * watermark}. The instance that folded the events reported the partition caught up, and a stored
   * watermark only moves forward: its row goes first, as if that partition had been read by the
   * other instance only so far.
   */
  void reportLifecycleBehind(Instant watermark) {
    jdbi()
        .useHandle(
            handle -> {
              handle.execute(
                  "DELETE FROM consumer_progress WHERE group_id = ? AND topic = ?",
                  group,
                  lifecycle);
              ProgressTable.report(
                  handle,
                  group,
                  "other-instance@host",
                  Instant.now(),
                  List.of(new ProgressTable.Report(lifecycle, 0, watermark, false, 5000L)));
            });
  }

  /** Publishes a stage event keyed by service and returns its id. */
  String stageEvent(String type, Instant time, Map<String, Object> data) {
    return publish(errors, (String) data.get("service"), type, time, data);
  }

  private String publish(
      String topic, String key, String type, Instant time, Map<String, Object> data) {
    String id = UUID.randomUUID().toString();
    send(topic, key, Envelopes.event(id, type, time, Envelopes.json(data)));
    return id;
  }

  /** Flushes the producer and waits until every given event is stored in {@code job_events}. */
  void awaitStored(String... eventIds) {
    flush();
    List<String> ids = List.of(eventIds);
    await(
        "events " + ids + " in job_events",
        Duration.ofSeconds(60),
        () ->
            jdbi()
                    .withHandle(
                        handle ->
                            handle
                                .createQuery(
                                    "SELECT count(*) FROM job_events WHERE event_id = ANY(:ids)")
                                .bindArray("ids", String.class, ids)
                                .mapTo(Long.class)
                                .one())
                == ids.size());
  }

  /** What {@code app} counted in jobwatch_events_total for this harness's topics, all outcomes. */
  double counted(JobwatchApp app) {
    double total = 0;
    for (io.jobwatch.pipeline.Outcome outcome : io.jobwatch.pipeline.Outcome.values()) {
      total += app.pipelineMetrics().count(lifecycle, outcome);
      total += app.pipelineMetrics().count(errors, outcome);
    }
    return total;
  }

  /**
   * Waits until {@code app} has counted at least {@code records} records of this harness's topics
   * in jobwatch_events_total (every outcome). The consumer counts a batch only after its COMMIT
   * returned (one whose COMMIT lost its answer only after the resynchronisation), so rows and
   * offsets seen in the database do not mean the counters moved yet: a test that asserts counters
   * or scrapes {@code /metrics} after waiting on the database waits here first, then asserts the
   * exact values.
   */
  void awaitCounted(JobwatchApp app, long records) {
    await(
        records + " records counted in jobwatch_events_total",
        Duration.ofSeconds(60),
        () -> counted(app) >= records);
  }

  /** What an in-process CLI command returned and printed. */
  record CliRun(int code, String out, String err) {}

  /** What a CLI command needs to reach this harness's broker, topics and database. */
  Map<String, String> cliEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("JOBWATCH_KAFKA_BOOTSTRAP", infra.kafkaBootstrap());
    env.put("JOBWATCH_DB_URL", database.jdbcUrl());
    env.put("JOBWATCH_DB_USER", database.user());
    env.put("JOBWATCH_DB_PASSWORD", database.password());
    env.put("JOBWATCH_LIFECYCLE_TOPIC", lifecycle);
    env.put("JOBWATCH_ERRORS_TOPIC", errors);
    return env;
  }

  /** Runs {@code jobwatch ARGS} in-process, as Main does, with {@code environment}. */
  static CliRun cli(Map<String, String> environment, String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int code =
        io.jobwatch.Main.execute(
            args,
            environment,
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(err, true));
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Runs {@code jobwatch ARGS} in-process against this harness. */
  CliRun cli(String... args) {
    return cli(cliEnvironment(), args);
  }

  /** Publishes a lifecycle event and waits until it is stored; returns its id. */
  String applyLifecycle(String type, Instant time, Map<String, Object> data) {
    String id = lifecycleEvent(type, time, data);
    awaitStored(id);
    return id;
  }

  /** Publishes a stage event and waits until it is stored; returns its id. */
  String applyStage(String type, Instant time, Map<String, Object> data) {
    String id = stageEvent(type, time, data);
    awaitStored(id);
    return id;
  }

  /** The rows of a query with bind parameters {@code :p0, :p1, ...}, column names as keys. */
  List<Map<String, Object>> rows(String sql, Object... parameters) {
    return jdbi()
        .withHandle(
            handle -> {
              var query = handle.createQuery(sql);
              for (int i = 0; i < parameters.length; i++) {
                query.bind("p" + i, parameters[i]);
              }
              return query.mapToMap().list();
            });
  }

  /** The one row of a query; fails if there is not exactly one. */
  Map<String, Object> row(String sql, Object... parameters) {
    List<Map<String, Object>> rows = rows(sql, parameters);
    if (rows.size() != 1) {
      throw new AssertionError("expected one row of " + sql + ", got " + rows);
    }
    return rows.get(0);
  }

  /** The row of one job in {@code jobs}. */
  Map<String, Object> job(String jobId) {
    return row("SELECT * FROM jobs WHERE job_id = :p0", jobId);
  }

  /** The {@code stage_health} row of one stage. */
  Map<String, Object> stage(String service, String runner, String stage) {
    return row(
        "SELECT service, runner, stage, severity::text AS severity, since, last_error_class,"
            + " last_error_message, last_error_at, last_error_job_id, last_ok_at,"
            + " consecutive_errors, error_count, ok_count"
            + " FROM stage_health WHERE service = :p0 AND runner = :p1 AND stage = :p2",
        service,
        runner,
        stage);
  }

  /** The outcome {@code job_events} recorded for one event. */
  String outcome(String eventId) {
    return (String)
        row("SELECT outcome FROM job_events WHERE event_id = :p0", eventId).get("outcome");
  }

  /**
   * Runs {@code command} with {@code input} on its standard input, prints its exit value and
   * output, and returns the exit value; fails if it does not end within 60 s.
   */
  static int runWithInput(List<String> command, String input)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("jobwatch-run-", ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try (var stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(StandardCharsets.UTF_8));
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not end within 60 s: " + Files.readString(output));
    }
    System.out.println(
        command.get(0) + " exited " + process.exitValue() + ": " + Files.readString(output));
    return process.exitValue();
  }

  /** A timestamp column as an instant. */
  static Instant instant(Object column) {
    if (column == null) {
      return null;
    }
    if (column instanceof Timestamp timestamp) {
      return timestamp.toInstant();
    }
    if (column instanceof OffsetDateTime offsetDateTime) {
      return offsetDateTime.toInstant();
    }
    throw new IllegalArgumentException("not a timestamp: " + column.getClass());
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

  /**
   * A new login role that owns this database but may open no connection (the server answers 53300,
   * too many connections, until {@code ALTER ROLE … CONNECTION LIMIT -1}); its name.
   */
  String roleWithoutConnections(String prefix, String password) {
    String role = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    String name = database.jdbcUrl().replaceAll("^.*/([^/?]+).*$", "$1");
    // Identifiers and CREATE ROLE's password cannot be bind parameters; the test picks them.
    jdbi()
        .useHandle(
            h -> {
              h.execute(
                  "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "' CONNECTION LIMIT 0");
              h.execute("ALTER DATABASE \"" + name + "\" OWNER TO " + role);
            });
    return role;
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
