package io.jobwatch.app;

import com.zaxxer.hikari.HikariDataSource;
import io.jobwatch.JobwatchException;
import io.jobwatch.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instance exports the database-derived metrics: the one holding a PostgreSQL session
 * advisory lock on a connection of its own. When the holder dies its session ends and another
 * instance takes the lock at its next attempt, so scraping several instances never yields duplicate
 * or contradictory series. Used from the one refresh thread; not thread-safe.
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

  private final Database database;
  private Connection connection;
  private boolean locked;
  private boolean heldBefore;
  private int reclaimAttempts;

  ExporterLease(Database database) {
    this.database = database;
  }

  /**
   * Whether this instance holds the lease, taking it if it is free.
   *
   * @throws JobwatchException when the database cannot be asked, or while a lease this instance
   *     held is being reclaimed (the caller keeps its last values then)
   */
  boolean acquire() {
    try {
      boolean valid = connection != null && connection.isValid(2);
      if (valid && locked) {
        return true;
      }
      if (!valid) {
        closeConnection();
        connection = database.dataSource().getConnection();
      }
      locked = tryLock();
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
