package io.jobwatch.demo;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import io.jobwatch.embedded.EmbeddedDatabase;
import io.jobwatch.embedded.EmbeddedKafka;
import io.jobwatch.embedded.PostgresDurability;
import io.jobwatch.store.DbConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * An embedded broker and database in a temporary directory, the two topics, and a running {@link
 * JobwatchApp} reading them: everything {@code jobwatch demo} needs. {@link #close} stops all of it
 * and deletes the directory; safe to call from a shutdown hook, and more than once.
 */
public final class DemoStack implements AutoCloseable {
  private final Path root;
  private final EmbeddedKafka kafka;
  private final EmbeddedDatabase database;
  private final Settings settings;
  private final JobwatchApp app;
  private boolean closed;

  private DemoStack(
      Path root,
      EmbeddedKafka kafka,
      EmbeddedDatabase database,
      Settings settings,
      JobwatchApp app) {
    this.root = root;
    this.kafka = kafka;
    this.database = database;
    this.settings = settings;
    this.app = app;
  }

  /** Starts everything; {@code base} supplies topic names and tuning, {@code httpPort} 0 = any. */
  public static DemoStack start(Settings base, int httpPort) {
    Path root = createRoot();
    CompletableFuture<EmbeddedDatabase> starting =
        CompletableFuture.supplyAsync(
            () ->
                EmbeddedDatabase.start(
                    root.resolve("postgres"), PostgresDurability.UNSAFE_FOR_TESTS));
    EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"));
    EmbeddedDatabase database = starting.join();
    kafka.createTopic(base.lifecycleTopic(), 3);
    kafka.createTopic(base.errorsTopic(), 3);
    String name = database.createDatabase("jobwatch_demo");
    Settings settings =
        base.with(
            kafka.bootstrapServers(),
            new DbConfig(database.jdbcUrl(name), database.user(), database.password(), 4),
            "jobwatch-demo",
            httpPort);
    JobwatchApp app = JobwatchApp.start(settings, Clock.systemUTC());
    return new DemoStack(root, kafka, database, settings, app);
  }

  /** The settings the app runs with (embedded bootstrap and database). */
  public Settings settings() {
    return settings;
  }

  public JobwatchApp app() {
    return app;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      app.close();
    } finally {
      try {
        kafka.close();
      } finally {
        database.close();
        root.toFile().delete();
      }
    }
  }

  private static Path createRoot() {
    return io.jobwatch.embedded.ServerDirectories.createWorldSearchable("jobwatch-demo-");
  }
}
