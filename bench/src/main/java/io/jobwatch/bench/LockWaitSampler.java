package io.jobwatch.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 11.5: samples, every {@link #PERIOD_MILLIS} ms while a contender runs, the lock waits of
 * the sessions of one database from {@code pg_locks} (the age of each ungranted lock, {@code
 * waitstart}, PostgreSQL 14+) joined with {@code pg_stat_activity}, and keeps the longest one seen.
 * A wait shorter than the period may go unseen; a longer one is seen at most a period short. Runs
 * on its own thread; {@link #stop} is safe to call from another.
 */
final class LockWaitSampler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LockWaitSampler.class);
  static final long PERIOD_MILLIS = 20;

  private static final String SAMPLE =
      """
      SELECT coalesce(extract(epoch FROM max(clock_timestamp() - l.waitstart)) * 1000, 0),
             count(*),
             (array_agg(l.locktype || coalesce(' on ' || l.relation::regclass::text, '')
                        || ': ' || left(a.query, 80) ORDER BY l.waitstart))[1]
        FROM pg_locks l
        JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE NOT l.granted AND a.datname = current_database() AND a.pid <> pg_backend_pid()
      """;

  private final String url;
  private final String user;
  private final String password;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private volatile double maxWaitMillis;
  private volatile String longestWait = "";
  private volatile long samples;
  private volatile long samplesWaiting;

  /** The longest wait one sample saw, and when that wait began (wall clock). */
  private record Wait(long startedMillis, long millis) {}

  // The samples that saw a wait; read after the thread has ended.
  private final List<Wait> waits = new ArrayList<>();

  private LockWaitSampler(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.thread = new Thread(this::run, "bench-lock-sampler");
    this.thread.setDaemon(true);
  }

  /** Starts sampling the database of {@code url}. */
  static LockWaitSampler start(String url, String user, String password) {
    LockWaitSampler sampler = new LockWaitSampler(url, user, password);
    sampler.thread.start();
    return sampler;
  }

  private void run() {
    try (Connection connection = DriverManager.getConnection(url, user, password);
        PreparedStatement sample = connection.prepareStatement(SAMPLE)) {
      connection.setAutoCommit(true);
      while (running.get()) {
        try (ResultSet rows = sample.executeQuery()) {
          rows.next();
          double waitMillis = rows.getDouble(1);
          samples++;
          if (rows.getLong(2) > 0) {
            samplesWaiting++;
            long millis = Math.round(waitMillis);
            waits.add(new Wait(System.currentTimeMillis() - millis, millis));
          }
          if (waitMillis > maxWaitMillis) {
            maxWaitMillis = waitMillis;
            longestWait = rows.getString(3);
          }
        }
        Thread.sleep(PERIOD_MILLIS);
      }
    } catch (SQLException e) {
      LOG.warn("lock sampling of {} stopped: {}", url, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops sampling and returns what it saw, for the report's extras. */
  Map<String, Object> stop() {
    return stop(-1);
  }

  /**
   * Stops sampling and returns what it saw, for the report's extras, with the longest wait that
   * began at or after {@code secondHalfMillis} (issue 11.5: after the JIT's warm-up) when it is not
   * -1.
   */
  Map<String, Object> stop(long secondHalfMillis) {
    running.set(false);
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Map<String, Object> seen = new LinkedHashMap<>();
    seen.put("maxLockWaitMillis", Math.round(maxWaitMillis));
    seen.put("longestLockWait", longestWait == null ? "" : longestWait);
    seen.put("lockSamples", samples);
    seen.put("lockSamplesWaiting", samplesWaiting);
    if (secondHalfMillis >= 0 && !thread.isAlive()) {
      seen.put(
          "maxLockWaitMillisSecondHalf",
          waits.stream()
              .filter(wait -> wait.startedMillis() >= secondHalfMillis)
              .mapToLong(Wait::millis)
              .max()
              .orElse(0));
    }
    return seen;
  }

  @Override
  public void close() {
    stop();
  }
}
