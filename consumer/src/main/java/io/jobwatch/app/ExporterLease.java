package io.jobwatch.app;

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

  private final Database database;
  private Connection connection;
  private boolean held;

  ExporterLease(Database database) {
    this.database = database;
  }

  /**
   * Whether this instance holds the lease, taking it if it is free.
   *
   * @throws JobwatchException when the database cannot be asked (the lease is then released)
   */
  boolean acquire() {
    try {
      if (connection != null && connection.isValid(2)) {
        if (held) {
          return true;
        }
      } else {
        release();
        connection = database.dataSource().getConnection();
      }
      try (PreparedStatement statement =
          connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        statement.setLong(1, LOCK_KEY);
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          held = result.getBoolean(1);
          return held;
        }
      }
    } catch (SQLException e) {
      release();
      throw new JobwatchException("could not check the exporter lease: " + e.getMessage(), e);
    }
  }

  /** Gives the lease up by closing its session; the next {@link #acquire} starts over. */
  void release() {
    held = false;
    if (connection != null) {
      try {
        connection.close();
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
