package io.jobwatch.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky's bundled binaries) run as a child process on 127.0.0.1, with its
 * data in a fixed directory so it can be stopped and started again with its data; thread-safe
 * (life-cycle methods are synchronized).
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final String SUPERUSER = "postgres";
  private static final Pattern DATABASE_PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,39}");
  private static final AtomicLong DATABASE_COUNTER = new AtomicLong();

  private final Path dataDir;
  private final int port;
  private final PostgresDurability durability;
  private PostgresTls tls;
  private EmbeddedPostgres postgres;
  private boolean closed;

  private EmbeddedDatabase(Path dataDir, int port, PostgresDurability durability) {
    this.dataDir = dataDir.toAbsolutePath();
    this.port = port;
    this.durability = durability;
  }

  /** Starts a durable server (PostgreSQL's default flushing) on a free port; initdb if new. */
  public static EmbeddedDatabase start(Path dataDir) {
    return start(dataDir, PostgresDurability.DURABLE);
  }

  /** Starts a server with the given durability on a free port; runs initdb if the dir is new. */
  public static EmbeddedDatabase start(Path dataDir, PostgresDurability durability) {
    EmbeddedDatabase database = new EmbeddedDatabase(dataDir, FreePort.pick(), durability);
    database.restart();
    return database;
  }

  /**
   * Starts a server that accepts TCP connections only over TLS with {@code tls}'s certificate
   * (tests of secure transport). The first start runs initdb; the certificate, key and a
   * pg_hba.conf requiring TLS are then written into the data directory, and the server starts again
   * with them.
   */
  public static EmbeddedDatabase startWithTls(
      Path dataDir, PostgresDurability durability, PostgresTls tls) {
    EmbeddedDatabase database = new EmbeddedDatabase(dataDir, FreePort.pick(), durability);
    database.restart();
    database.stop();
    try {
      installTls(database.dataDir, tls);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write TLS files into " + database.dataDir, e);
    }
    database.tls = tls;
    database.restart();
    return database;
  }

  private static void installTls(Path dataDir, PostgresTls tls) throws IOException {
    Path certificate = dataDir.resolve(PostgresTls.CERTIFICATE_FILE);
    Path key = dataDir.resolve(PostgresTls.KEY_FILE);
    Files.writeString(certificate, tls.certificatePem());
    Files.writeString(key, tls.privateKeyPem());
    // PostgreSQL refuses a key that its group or others may read.
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(dataDir.resolve("pg_hba.conf"), PostgresTls.HBA);
  }

  /** {@code jdbc:postgresql://127.0.0.1:PORT/database}, stable across stop and restart. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** A superuser, allowed to create databases. */
  public String user() {
    return SUPERUSER;
  }

  /**
   * Any password works (trust authentication on 127.0.0.1); this one is for clients that need one.
   */
  public String password() {
    return SUPERUSER;
  }

  /** Creates an empty database named {@code prefix_<n>_<pid>} and returns the name. */
  public String createDatabase(String prefix) {
    String normalized = prefix.toLowerCase(Locale.ROOT);
    if (!DATABASE_PREFIX.matcher(normalized).matches()) {
      throw new IllegalArgumentException(
          "Database prefix must match " + DATABASE_PREFIX + ": " + prefix);
    }
    String name =
        normalized + "_" + DATABASE_COUNTER.incrementAndGet() + "_" + ProcessHandle.current().pid();
    try (Connection connection =
            DriverManager.getConnection(jdbcUrl("postgres"), user(), password());
        Statement statement = connection.createStatement()) {
      // An identifier cannot be a bind parameter; the name is checked against DATABASE_PREFIX
      // above.
      statement.execute("CREATE DATABASE " + name);
      return name;
    } catch (SQLException e) {
      throw new EmbeddedServerException(
          "Could not create database " + name + " on port " + port, e);
    }
  }

  /** Stops the server ({@code pg_ctl stop -m fast}); data directory and port are kept. */
  public synchronized void stop() {
    if (postgres == null) {
      return;
    }
    long startNanos = System.nanoTime();
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not stop PostgreSQL on port " + port, e);
    } finally {
      postgres = null;
    }
    LOG.info("PostgreSQL on port {} stopped in {} ms", port, millisSince(startNanos));
  }

  /** Starts the server (again) on the same port and data directory and waits until it answers. */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("PostgreSQL on port " + port + " is closed");
    }
    if (postgres != null) {
      return;
    }
    long startNanos = System.nanoTime();
    try {
      postgres = builder().start();
    } catch (IOException | RuntimeException e) {
      throw new EmbeddedServerException(
          "PostgreSQL did not start on port "
              + port
              + " with data in "
              + dataDir
              + " (its output is logged by io.zonky at info)",
          e);
    }
    LOG.info(
        "PostgreSQL on port {} ready in {} ms ({}, data in {})",
        port,
        millisSince(startNanos),
        durability,
        dataDir);
  }

  /** Stops the server and deletes its data directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    stop();
    closed = true;
    try {
      Directories.deleteRecursively(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not delete PostgreSQL data dir " + dataDir, e);
    }
  }

  private EmbeddedPostgres.Builder builder() throws IOException {
    Files.createDirectories(dataDir);
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setPort(port)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "300");
    durability.serverSettings().forEach(builder::setServerConfig);
    if (tls != null) {
      builder
          // Only this variant waits longer than zonky's 10 s: it starts twice, on busy machines.
          .setPGStartupWait(java.time.Duration.ofSeconds(60))
          .setServerConfig("ssl", "on")
          .setServerConfig("ssl_cert_file", PostgresTls.CERTIFICATE_FILE)
          .setServerConfig("ssl_key_file", PostgresTls.KEY_FILE);
    }
    if (UnprivilegedPostgresBinaries.runningAsRoot()) {
      UnprivilegedPostgresBinaries.requireReachable(dataDir);
      builder.setOverrideWorkingDirectory(
          UnprivilegedPostgresBinaries.prepareWorkingDirectory().toFile());
    }
    return builder;
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
