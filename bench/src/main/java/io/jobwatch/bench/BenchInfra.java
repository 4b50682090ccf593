package io.jobwatch.bench;

import io.jobwatch.embedded.EmbeddedDatabase;
import io.jobwatch.embedded.EmbeddedKafka;
import io.jobwatch.embedded.PostgresDurability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The broker and the database the benchmark runs on: external ones from {@code
 * JOBWATCH_KAFKA_BOOTSTRAP} / {@code JOBWATCH_DB_URL} when set, otherwise embedded ones with
 * durable PostgreSQL settings. Creates fresh topics and databases. Not thread-safe.
 */
final class BenchInfra implements AutoCloseable {
  private final AtomicInteger counter = new AtomicInteger();
  private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000);
  private final EmbeddedKafka embeddedKafka;
  private final EmbeddedDatabase embeddedDatabase;
  private final String bootstrap;
  private final String adminUrl;
  private final String user;
  private final String password;
  private final Admin admin;
  // Issue 11.4: an existing (seeded) database the jobwatch runs write into instead of a fresh one.
  private final String existingDatabase;

  BenchInfra(Map<String, String> env, Path workDir) {
    try {
      String externalKafka = env.get("JOBWATCH_KAFKA_BOOTSTRAP");
      if (externalKafka != null && !externalKafka.isBlank()) {
        embeddedKafka = null;
        bootstrap = externalKafka;
      } else {
        embeddedKafka = EmbeddedKafka.start(Files.createTempDirectory(workDir, "kafka"));
        bootstrap = embeddedKafka.bootstrapServers();
      }
      String externalDb = env.get("JOBWATCH_DB_URL");
      if (externalDb != null && !externalDb.isBlank()) {
        embeddedDatabase = null;
        adminUrl = externalDb;
        user = env.getOrDefault("JOBWATCH_DB_USER", "jobwatch");
        password = env.getOrDefault("JOBWATCH_DB_PASSWORD", "");
      } else {
        embeddedDatabase =
            EmbeddedDatabase.start(
                Files.createTempDirectory(workDir, "postgres"), PostgresDurability.DURABLE);
        adminUrl = embeddedDatabase.jdbcUrl("postgres");
        user = embeddedDatabase.user();
        password = embeddedDatabase.password();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the benchmark's work directories", e);
    }
    existingDatabase = env.get("JOBWATCH_BENCH_DATABASE");
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    admin = Admin.create(properties);
  }

  String bootstrap() {
    return bootstrap;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  boolean embedded() {
    return embeddedKafka != null && embeddedDatabase != null;
  }

  /** Creates a topic pair {@code [lifecycle, errors]} with fresh names. */
  List<String> newTopics(int partitions) {
    int n = counter.incrementAndGet();
    String lifecycle = "bench-" + runId + "-" + n + ".lifecycle";
    String errors = "bench-" + runId + "-" + n + ".errors";
    try {
      admin
          .createTopics(
              List.of(
                  new NewTopic(lifecycle, Optional.of(partitions), Optional.empty()),
                  new NewTopic(errors, Optional.of(partitions), Optional.empty())))
          .all()
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topics " + lifecycle, e.getCause());
    }
    return List.of(lifecycle, errors);
  }

  /**
   * Creates an empty database and returns its JDBC URL; for jobwatch, {@code
   * JOBWATCH_BENCH_DATABASE} names an existing one to use instead (a database filled by
   * deploy/perf/seed-year.sh; run one instance count and a new --seed per run).
   */
  /** Whether jobwatch runs write into the existing database of {@code JOBWATCH_BENCH_DATABASE}. */
  boolean usesExistingDatabase() {
    return existingDatabase != null && !existingDatabase.isBlank();
  }

  String newDatabase(String prefix) {
    if (usesExistingDatabase() && prefix.equals("jobwatch")) {
      return withDatabase(adminUrl, existingDatabase);
    }
    String name = "bench_" + prefix + "_" + runId + "_" + counter.incrementAndGet();
    try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
        Statement statement = connection.createStatement()) {
      // Identifiers cannot be bind parameters; the name is built from fixed parts and digits.
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return withDatabase(adminUrl, name);
  }

  static String withDatabase(String url, String database) {
    int slash = url.indexOf('/', "jdbc:postgresql://".length());
    int query = url.indexOf('?', slash);
    return url.substring(0, slash + 1) + database + (query < 0 ? "" : url.substring(query));
  }

  long count(String url, String sql) {
    try (Connection connection = DriverManager.getConnection(url, user, password);
        Statement statement = connection.createStatement();
        var rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot count: " + sql, e);
    }
  }

  @Override
  public void close() {
    admin.close();
    if (embeddedKafka != null) {
      embeddedKafka.close();
    }
    if (embeddedDatabase != null) {
      embeddedDatabase.close();
    }
  }
}
