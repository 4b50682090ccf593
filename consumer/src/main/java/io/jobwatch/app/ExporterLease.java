package io.jobwatch.app;

import io.jobwatch.JobwatchException;
import io.jobwatch.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instance exports the database-derived metrics: the one holding a PostgreSQL session
 * advisory lock on a connection of its own. When the holder dies its session ends and another
 * instance takes the lock at its next attempt, so scraping several instances never yields duplicate
 * or contradictory series.
 *
 * <p>A holder that stops answering without closing its connection (its machine died, its network or
 * process froze) would leave PostgreSQL a session that holds the lock until TCP keepalive gives up,
 * about two hours. So the holder gives its own session a deadline: {@code idle_session_timeout}
 * (and {@code idle_in_transaction_session_timeout}) of {@code silentAfter}, which the server
 * enforces. The holder touches the session at every refresh and runs the refresh's reads on it, so
 * a live holder is never idle that long, however slow a read; nobody ends another instance's
 * session, and each holder's deadline follows its own refresh period. A lease lost to another
 * instance is withdrawn at once (two exporters would double every sum); a lease held by this
 * instance's former session (its connection broke, the server has not noticed yet) is kept: that
 * session is ended and the lease taken again at the next refresh. Used from the one refresh thread;
 * not thread-safe.
 */
final class ExporterLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExporterLease.class);

  /** The advisory lock key: "jobwatch" in ASCII, so it is recognisable in pg_locks. */
  static final long LOCK_KEY = 0x6a6f627761746368L;

  /** The backend and start time of this session: which session holds the lease, later. */
  private static final String THIS_SESSION =
      "SELECT pid, backend_start::text FROM pg_stat_activity WHERE pid = pg_backend_pid()";

  /**
   * Ends this instance's former lease session if it still holds the lease: the same backend,
   * started at the same time (a pid alone may have been reused). pg_locks shows a bigint advisory
   * key as classid (high half) and objid (low half).
   */
  private static final String END_FORMER_SESSION =
      """
      SELECT pg_terminate_backend(a.pid)
        FROM pg_locks l
        JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
         AND l.classid::bigint = ? AND l.objid::bigint = ?
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND a.pid = ? AND a.backend_start::text = ? AND a.pid <> pg_backend_pid()
      """;

  private static final String SET_DEADLINE =
      """
      SELECT set_config('idle_session_timeout', ?, false),
             set_config('idle_in_transaction_session_timeout', ?, false)
      """;

  /** SQLSTATE undefined_object: PostgreSQL 13 and older have no idle_session_timeout. */
  private static final String UNDEFINED_OBJECT = "42704";

  /** A session of this instance that held the lease. */
  private record Session(int pid, String start) {}

  private final Database database;
  private final Duration silentAfter;
  private final Jdbi onLease;
  private Connection connection;
  private boolean locked;
  private Session holder;
  private boolean deadlineUnsupported;

  /**
   * @param silentAfter how long the holder's session may stay idle before PostgreSQL ends it (the
   *     holder touches it at every refresh)
   */
  ExporterLease(Database database, Duration silentAfter) {
    this.database = database;
    this.silentAfter = silentAfter;
    this.onLease =
        Jdbi.create(
                new ConnectionFactory() {
                  @Override
                  public Connection openConnection() throws SQLException {
                    if (connection == null) {
                      throw new SQLException("the exporter lease has no connection");
                    }
                    return connection;
                  }

                  @Override
                  public void closeConnection(Connection ignored) {
                    // The session is the lease: it stays open until the lease is released.
                  }
                })
            .installPlugin(new PostgresPlugin());
    Database.useBinaryArrays(onLease);
  }

  /**
   * Whether this instance holds the lease, taking it if it is free.
   *
   * @throws JobwatchException when the database cannot be asked, or while this instance's former
   *     session still holds the lease (the caller keeps its last values then)
   */
  boolean acquire() {
    try {
      // isValid is a round trip: it also resets the session's idle deadline.
      boolean valid = connection != null && connection.isValid(2);
      if (valid && locked) {
        return true;
      }
      if (!valid) {
        closeConnection();
        connection = database.leaseDataSource().getConnection();
      }
      locked = tryLock();
      if (locked) {
        holder = thisSession();
        setDeadline();
        return true;
      }
      if (holder != null && endFormerSession(holder)) {
        LOG.info("ended this instance's former exporter session; taking the lease again");
        throw new JobwatchException(
            "this instance's former session still holds the exporter lease; it was ended");
      }
    } catch (SQLException e) {
      closeConnection();
      throw new JobwatchException("could not check the exporter lease: " + e.getMessage(), e);
    }
    holder = null;
    return false;
  }

  /**
   * Runs {@code callback} in a transaction on the lease's own session, so that the session is busy,
   * not idle, while the holder reads. Call it only after {@link #acquire} returned true.
   */
  <R> R inTransaction(HandleCallback<R, RuntimeException> callback) {
    return onLease.inTransaction(callback);
  }

  private boolean tryLock() throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      statement.setLong(1, LOCK_KEY);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getBoolean(1);
      }
    }
  }

  private Session thisSession() throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(THIS_SESSION);
        ResultSet result = statement.executeQuery()) {
      result.next();
      return new Session(result.getInt(1), result.getString(2));
    }
  }

  /** Lets PostgreSQL end this session once it has been silent for {@code silentAfter}. */
  private void setDeadline() throws SQLException {
    if (deadlineUnsupported) {
      return;
    }
    String millis = Long.toString(silentAfter.toMillis());
    try (PreparedStatement statement = connection.prepareStatement(SET_DEADLINE)) {
      statement.setString(1, millis);
      statement.setString(2, millis);
      statement.executeQuery().close();
    } catch (SQLException e) {
      if (!UNDEFINED_OBJECT.equals(e.getSQLState())) {
        throw e;
      }
      deadlineUnsupported = true;
      LOG.warn(
          "PostgreSQL has no idle_session_timeout (before 14): an exporter whose machine dies"
              + " keeps the lease until TCP keepalive ends its session");
    }
  }

  /** Ends {@code former} if it still holds the lease; true if it did. */
  private boolean endFormerSession(Session former) throws SQLException {
    boolean ended = false;
    try (PreparedStatement statement = connection.prepareStatement(END_FORMER_SESSION)) {
      statement.setLong(1, LOCK_KEY >>> 32);
      statement.setLong(2, LOCK_KEY & 0xffffffffL);
      statement.setInt(3, former.pid());
      statement.setString(4, former.start());
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          ended |= result.getBoolean(1);
        }
      }
    }
    return ended;
  }

  /** Gives the lease up by closing its session. */
  void release() {
    holder = null;
    closeConnection();
  }

  private void closeConnection() {
    locked = false;
    if (connection != null) {
      // A pooled connection returned to the pool would keep its session, and the lock with it:
      // evict it, so that the session (and the lock) really ends.
      database.leaseDataSource().evictConnection(connection);
      connection = null;
    }
  }

  @Override
  public void close() {
    release();
  }
}
