package io.jobwatch.cli;

import io.jobwatch.Main;
import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.testing.Database;
import io.jobwatch.testing.Infra;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jdbi.v3.core.Jdbi;

/**
 * Fresh topics, database, spool directory and a running {@link JobwatchApp} for one CLI test, plus
 * running commands in-process with captured output. Not thread-safe.
 */
final class CliFixture implements AutoCloseable {
  final Infra infra;
  final String lifecycle;
  final String errors;
  final Database database;
  final Path spoolDir;
  final JobwatchApp app;
  private KafkaProducer<byte[], byte[]> producer;

  /** What a command printed and returned. */
  record Result(int exitCode, String out, String err) {}

  CliFixture(Infra infra) {
    this.infra = infra;
    this.lifecycle = infra.newTopic("cli-lifecycle", 2);
    this.errors = infra.newTopic("cli-errors", 2);
    this.database = infra.newDatabase();
    try {
      this.spoolDir = Files.createTempDirectory("jobwatch-cli-spool-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.app = JobwatchApp.start(Settings.fromEnvironment(environment()), Clock.systemUTC());
  }

  /** The environment both the app and the commands are configured from. */
  Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("JOBWATCH_KAFKA_BOOTSTRAP", infra.kafkaBootstrap());
    env.put("JOBWATCH_DB_URL", database.jdbcUrl());
    env.put("JOBWATCH_DB_USER", database.user());
    env.put("JOBWATCH_DB_PASSWORD", database.password());
    env.put("JOBWATCH_LIFECYCLE_TOPIC", lifecycle);
    env.put("JOBWATCH_ERRORS_TOPIC", errors);
    env.put("JOBWATCH_GROUP_ID", "cli-it-" + UUID.randomUUID());
    env.put("JOBWATCH_HTTP_PORT", "0");
    env.put("JOBWATCH_STATE_REFRESH", "PT1S");
    env.put("JOBWATCH_SPOOL_DIR", spoolDir.toString());
    return env;
  }

  /** Runs {@code jobwatch ARGS…} in-process, as {@code Main} would. */
  Result run(String... args) {
    return run(environment(), args);
  }

  /** Runs {@code jobwatch ARGS…} in-process configured from {@code environment}. */
  Result run(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter outWriter = new PrintWriter(out, true);
    int code = Main.execute(args, environment, outWriter, new PrintWriter(err, true));
    outWriter.flush();
    return new Result(code, out.toString(), err.toString());
  }

  Jdbi jdbi() {
    return Jdbi.create(database.jdbcUrl(), database.user(), database.password());
  }

  long count(String sql, Object... arguments) {
    return jdbi()
        .withHandle(
            handle -> {
              var query = handle.createQuery(sql);
              for (int i = 0; i < arguments.length; i++) {
                query.bind(i, arguments[i]);
              }
              return query.mapTo(Long.class).one();
            });
  }

  String scrape() {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted scraping", e);
    }
  }

  /** Sends a raw record, as a broken publisher would, and waits for the acknowledgement. */
  void sendRaw(String topic, String key, String value) {
    if (producer == null) {
      Properties properties = new Properties();
      properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap());
      properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      producer = new KafkaProducer<>(properties);
    }
    try {
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  key.getBytes(StandardCharsets.UTF_8),
                  value.getBytes(StandardCharsets.UTF_8)))
          .get();
    } catch (Exception e) {
      throw new AssertionError("could not send a raw record", e);
    }
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

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    app.close();
  }
}
