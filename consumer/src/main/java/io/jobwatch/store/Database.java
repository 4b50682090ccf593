package io.jobwatch.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import io.jobwatch.JobwatchException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool, Jdbi and schema migrations of one jobwatch process. Thread-safe; close it
 * once at shutdown.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final Duration REFUSING_FOR_NOW = Duration.ofMinutes(10);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

  /**
   * SQLSTATEs of a server that answers but takes no connection now (too_many_connections,
   * cannot_connect_now) or no write now (read_only_sql_transaction: a standby that a failover has
   * not promoted yet, or a primary turned read-only), each with what the log says of it.
   */
  private static final Map<String, String> NOT_NOW =
      Map.of(
          "53300", "takes no connection now",
          "57P03", "takes no connection now",
          "25006", "takes no write now (read-only: a standby not promoted yet?)");

  private final HikariDataSource dataSource;
  private final HikariDataSource leaseDataSource;
  private final Jdbi jdbi;

  private final DbConfig config;

  private Database(HikariDataSource dataSource, HikariDataSource leaseDataSource, DbConfig config) {
    this.dataSource = dataSource;
    this.leaseDataSource = leaseDataSource;
    this.config = config;
    this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
    useBinaryArrays(jdbi);
  }

  /**
   * Makes {@code jdbi} send the column arrays of bulk statements in binary ({@link BinaryArrays}),
   * as every jobwatch Jdbi does.
   */
  public static void useBinaryArrays(Jdbi jdbi) {
    jdbi.registerArgument(new BinaryArrays());
  }

  /**
   * Each session's settings, sent when it starts.
   *
   * <ul>
   *   <li>{@code jit=off}: issue 11.4: every query here is short and index-driven, but over 40 day
   *       partitions of job_events PostgreSQL estimates them expensive and JIT-compiles them: on
   *       10M jobs / 50M events that took 17-22 s of a batch's 1.5 s history lookup
   *       (docs/performance.md).
   *   <li>the server's keepalive probes after 30 s, every 10 s, 3 of them, and an end to a
   *       transaction left idle for a minute: jobwatch never leaves one idle (its transactions run
   *       their statements back to back), so such a transaction is one whose client is gone without
   *       the server knowing (a network cut before its COMMIT arrived). Its locks, on the rows of
   *       consumer_offsets and stage_health every batch writes, would otherwise hold every later
   *       batch until the server's TCP keepalive gave up, two hours by default.
   * </ul>
   */
  static final String SESSION_OPTIONS =
      "-c jit=off -c idle_in_transaction_session_timeout=60s -c tcp_keepalives_idle=30"
          + " -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3";

  /** Opens a pool; it does not fail when the database is away (the consumer waits for it). */
  public static Database open(DbConfig config) {
    return open(config, false);
  }

  /**
   * Opens the consumer's pool. With {@code asyncCommit}, transactions commit without waiting for
   * the WAL flush ({@code synchronous_commit = off}). That is safe here, and only here, because
   * each batch's offsets are in the same transaction as its data: a crash of PostgreSQL can lose
   * the last few committed batches, but loses their offsets with them, so they are consumed again
   * from Kafka; the database stays consistent and nothing is applied twice.
   */
  public static Database open(DbConfig config, boolean asyncCommit) {
    if (config.jdbcUrl() == null || !config.jdbcUrl().startsWith("jdbc:postgresql:")) {
      // Never quoted: HikariCP would quote it in its error, password and all, masking only the
      // JDBC form's password= parameter (psql's keyword string and a libpq URI are pasted here).
      throw new JobwatchException(
          "JOBWATCH_DB_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DATABASE);"
              + " a libpq connection string (host=… dbname=…) or URI (postgresql://…) is not one,"
              + " and the password goes in JOBWATCH_DB_PASSWORD");
    }
    HikariDataSource pool =
        new HikariDataSource(hikari(config, "jobwatch", config.poolSize(), 1, asyncCommit));
    // The exporter lease holds its session for as long as it holds the lease: a connection of its
    // own, one more than JOBWATCH_DB_POOL_SIZE (docs/operators.md), never one of the pool's. Taken
    // from the pool, it left the holder's consumer none with a pool of one: it never wrote again.
    HikariDataSource lease = new HikariDataSource(hikari(config, "jobwatch-lease", 1, 0, false));
    return new Database(pool, lease, config);
  }

  private static HikariConfig hikari(
      DbConfig config, String name, int size, int minimumIdle, boolean asyncCommit) {
    HikariConfig hikari = new HikariConfig();
    if (asyncCommit) {
      hikari.setConnectionInitSql("SET synchronous_commit = off");
    }
    // Secrets outside the URL, which HikariCP and Flyway log (DbConfig.connectionUrl).
    hikari.setJdbcUrl(config.connectionUrl());
    hikari.setUsername(config.user());
    hikari.setPassword(config.connectionPassword());
    config.connectionProperties().forEach(hikari::addDataSourceProperty);
    hikari.setMaximumPoolSize(size);
    hikari.setMinimumIdle(minimumIdle);
    hikari.setPoolName(name);
    hikari.setConnectionTimeout(5_000);
    hikari.setValidationTimeout(2_000);
    hikari.setInitializationFailTimeout(-1);
    hikari.setAutoCommit(true);
    hikari.setDataSourceProperties(sessionProperties());
    return hikari;
  }

  /**
   * Creates or migrates the schema to the latest version (Flyway, versioned migrations). A server
   * that answers but takes no connection or no write for now (too many connections, starting up, in
   * recovery, a read-only standby) is waited for, up to 10 minutes (the start-up allowance of
   * deploy/kubernetes); every other failure, a server that does not answer included, fails at once.
   */
  public int migrate() {
    return whileRefusedForNow("migrating", this::migrateOnce);
  }

  /**
   * Runs {@code step} of a start ({@code doing} names it in the log), waiting as {@link #migrate}
   * does while the server answers but refuses for now: a write a consumer makes at start meets a
   * standby not promoted yet (SQLSTATE 25006) as the migration does when a failover is under way.
   */
  public <T> T whileRefusedForNow(String doing, Supplier<T> step) {
    Instant deadline = Instant.now().plus(REFUSING_FOR_NOW);
    Duration backoff = Duration.ofSeconds(1);
    while (true) {
      try {
        return step.get();
      } catch (RuntimeException e) {
        String state = refusingForNow(e);
        if (state == null || Instant.now().plus(backoff).isAfter(deadline)) {
          throw e;
        }
        LOG.warn(
            "PostgreSQL {} (SQLSTATE {}); {} again in {} s",
            NOT_NOW.get(state),
            state,
            doing,
            backoff.toSeconds());
        try {
          Thread.sleep(backoff.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  /** The SQLSTATE of {@code error} if it is a server's "not now", else null. */
  private static String refusingForNow(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && sql.getSQLState() != null) {
        return NOT_NOW.containsKey(sql.getSQLState()) ? sql.getSQLState() : null;
      }
    }
    return null;
  }

  private int migrateOnce() {
    try {
      return Flyway.configure()
          // Its own connections: Flyway holds a lock connection besides the migrating one, which
          // a small pool could not spare.
          .dataSource(migrationDataSource())
          .locations("classpath:db/migration")
          .callbacks(new PartitioningInAnySchema())
          .load()
          .migrate()
          .migrationsExecuted;
    } catch (RuntimeException e) {
      throw new JobwatchException("could not migrate the jobwatch schema", e);
    }
  }

  /**
   * Flyway's connections, with the session settings of every jobwatch session: a migration whose
   * COMMIT the network lost (the client gone, the server none the wiser) holds its locks and
   * Flyway's, which every later start waits for, only for the minute of {@code
   * idle_in_transaction_session_timeout}, not until the server's TCP keepalive gives up (two hours
   * by default); a server that vanished mid-migration is noticed by the socket's probes.
   */
  private DataSource migrationDataSource() {
    return sessionDataSource(config);
  }

  /**
   * Connections without a pool, with the session settings of every jobwatch session (connected as
   * the pool connects: the URL's own parameters win over them, as there), for Flyway and the
   * commands, which make a few statements each. The secrets go beside the URL, which Flyway logs
   * (DbConfig.connectionUrl).
   */
  public static DataSource sessionDataSource(DbConfig config) {
    Properties properties = sessionProperties();
    properties.putAll(config.connectionProperties());
    return new DriverDataSource(
        config.connectionUrl(), null, properties, config.user(), config.connectionPassword());
  }

  /** The driver properties that give a connection jobwatch's session settings. */
  private static Properties sessionProperties() {
    Properties session = new Properties();
    // Every jobwatch session, Flyway's and the commands' included, is told apart in
    // pg_stat_activity (a retention pass from cron holding the retention lock, say).
    session.setProperty("ApplicationName", "jobwatch");
    session.setProperty("tcpKeepAlive", "true");
    // A server that vanished without closing the connection (its host died, a failover moved its
    // address) is noticed within about a minute, also mid-statement, not after hours.
    session.setProperty("socketFactory", KeepAliveSockets.class.getName());
    session.setProperty("options", SESSION_OPTIONS);
    return session;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * The exporter lease's own pool of one connection, beside {@link #dataSource()}: its session is
   * the lease, held as long as the lease is.
   */
  public HikariDataSource leaseDataSource() {
    return leaseDataSource;
  }

  /** True when a connection can be had and answers within two seconds. */
  public boolean isReachable() {
    try (var connection = dataSource.getConnection()) {
      return connection.isValid(2);
    } catch (java.sql.SQLException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    leaseDataSource.close();
    dataSource.close();
  }
}
