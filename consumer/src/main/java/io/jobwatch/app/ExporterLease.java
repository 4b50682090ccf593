package io.jobwatch.app;

import com.zaxxer.hikari.HikariDataSource;
import io.jobwatch.JobwatchException;
import io.jobwatch.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instance exports the database-derived metrics: the one holding a PostgreSQL session
 * advisory lock on a connection of its own. When the holder dies its session ends and another
 * instance takes the lock at its next attempt, so scraping several instances never yields duplicate
 * or contradictory series. A holder that stops answering without closing its connection (its
 * machine died, its network or process froze) leaves a session PostgreSQL keeps for hours (until
 * TCP keepalive gives up): the holder touches its session at every refresh, and an instance that
 * finds the lock taken ends a holder session of the same role that has been idle for {@code
 * silentAfter}, so that it can take the lease at its next attempt. Used from the one refresh
 * thread; not thread-safe.
 */
final class ExporterLease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExporterLease.class);

  /** The advisory lock key: "jobwatch" in ASCII, so it is recognisable in pg_locks. */
  static final long LOCK_KEY = 0x6a6f627761746368L;

  /**
   * Refreshes during which a lease this instance held and lost with its connection (a restarted
   * database, a timed-out validation) is tried again before conceding it to another instance: the
   * old session may still hold the lock for a moment, and conceding would withdraw every series.
   */
  private static final int RECLAIM_ATTEMPTS = 3;

  /**
   * Ends the session holding the lease (the advisory lock with this key in this database) if it
   * belongs to this role and has been idle since before the given time: its holder stopped
   * refreshing. pg_locks shows a bigint advisory key as classid (high half) and objid (low half).
   */
  private static final String END_SILENT_HOLDER =
      """
      SELECT pg_terminate_backend(a.pid)
        FROM pg_locks l
        JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
         AND l.classid::bigint = ? AND l.objid::bigint = ?
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND a.pid <> pg_backend_pid()
         AND a.usename = current_user
         AND a.state = 'idle'
         AND a.state_change < now() - make_interval(secs => ?)
      """;

  private final Database database;
  private final Duration silentAfter;
  private Connection connection;
  private boolean locked;
  private boolean heldBefore;
  private int reclaimAttempts;

  /**
   * @param silentAfter how long the holder's session may stay idle before another instance ends it
   *     (the holder touches it at every refresh)
   */
  ExporterLease(Database database, Duration silentAfter) {
    this.database = database;
    this.silentAfter = silentAfter;
  }

  /**
   * Whether this instance holds the lease, taking it if it is free.
   *
   * @throws JobwatchException when the database cannot be asked, or while a lease this instance
   *     held is being reclaimed (the caller keeps its last values then)
   */
  boolean acquire() {
    try {
      // isValid is a round trip: it also marks the holder's session as alive (state_change).
      boolean valid = connection != null && connection.isValid(2);
      if (valid && locked) {
        return true;
      }
      if (!valid) {
        closeConnection();
        connection = database.dataSource().getConnection();
      }
      locked = tryLock();
      if (!locked && !heldBefore && endSilentHolder()) {
        LOG.warn(
            "the exporter lease was held by a session silent for over {}; ended it to take over",
            silentAfter);
        locked = tryLock();
      }
    } catch (SQLException e) {
      closeConnection();
      throw new JobwatchException("could not check the exporter lease: " + e.getMessage(), e);
    }
    if (locked) {
      heldBefore = true;
      reclaimAttempts = 0;
      return true;
    }
    if (heldBefore && reclaimAttempts < RECLAIM_ATTEMPTS) {
      reclaimAttempts++;
      throw new JobwatchException(
          "the exporter lease this instance held is taken; trying again ("
              + reclaimAttempts
              + " of "
              + RECLAIM_ATTEMPTS
              + ") before leaving it to another instance");
    }
    heldBefore = false;
    reclaimAttempts = 0;
    return false;
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

  /** Ends the lease holder's session if it is silent; true if one was ended. */
  private boolean endSilentHolder() throws SQLException {
    boolean ended = false;
    try (PreparedStatement statement = connection.prepareStatement(END_SILENT_HOLDER)) {
      statement.setLong(1, LOCK_KEY >>> 32);
      statement.setLong(2, LOCK_KEY & 0xffffffffL);
      statement.setDouble(3, silentAfter.toMillis() / 1000.0);
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
    heldBefore = false;
    reclaimAttempts = 0;
    closeConnection();
  }

  private void closeConnection() {
    locked = false;
    if (connection != null) {
      try {
        // A pooled connection returned to the pool would keep its session, and the lock with it:
        // evict it, so that the session (and the lock) really ends.
        if (database.dataSource() instanceof HikariDataSource pool) {
          pool.evictConnection(connection);
        } else {
          connection.close();
        }
      } catch (SQLException e) {
        LOG.debug("closing the lease connection failed: {}", e.toString());
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    release();
  }
}
