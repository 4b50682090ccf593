package io.jobwatch.metrics;

import io.jobwatch.store.RetentionTable;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Size of the tables retention manages (issue 11): {@code jobwatch_table_rows{table}} (the
 * planner's estimate), {@code jobwatch_table_bytes{table}} and {@code
 * jobwatch_table_oldest_age_seconds{table}} (NaN while a table is empty or has no age, and until
 * the first read). Read from the database at most once per {@link #MAX_STALENESS}, whatever the
 * number of scrapes, and never on the scrape's thread: a scrape that finds the sizes stale starts a
 * read in the background and serves the last ones. Read on the scrape, a database that is down or
 * slow held the HTTP thread for the pool's connection timeout, so scrapes timed out and {@code
 * /healthz} (two HTTP threads) could fail its probe during a database outage. Thread-safe.
 */
public final class TableSizeMetrics implements MeterBinder {
  static final Duration MAX_STALENESS = Duration.ofSeconds(15);
  static final List<String> TABLES = RetentionTable.SIZED;

  private static final Logger LOG = LoggerFactory.getLogger(TableSizeMetrics.class);
  private final Jdbi jdbi;
  private final Clock clock;
  // One reader thread at most, gone after a minute idle: nothing to close. A queue rather than a
  // hand-over, so a read asked for while the last one's thread is finishing waits instead of being
  // rejected (which left `reading` set and the sizes frozen).
  private final ThreadPoolExecutor reader = reader();
  private volatile Map<String, RetentionTable.TableSize> sizes = Map.of();
  private Instant readAt; // guarded by this
  private boolean reading; // guarded by this

  public TableSizeMetrics(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (String table : TABLES) {
      gauge(
          registry,
          "jobwatch.table.rows",
          table,
          null,
          "rows in the table (counted in a small table, else the planner's estimate)",
          size -> size.rows());
      gauge(
          registry,
          "jobwatch.table",
          table,
          BaseUnits.BYTES,
          "disk used by the table and its indexes",
          size -> size.bytes());
      gauge(
          registry,
          "jobwatch.table.oldest.age",
          table,
          "seconds",
          "age of the oldest row retention will remove (for jobs: the oldest terminal job)",
          size ->
              size.oldest() == null
                  ? Double.NaN
                  : Duration.between(size.oldest(), clock.instant()).toMillis() / 1000.0);
    }
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String table,
      String unit,
      String description,
      ToDoubleFunction<RetentionTable.TableSize> value) {
    Gauge.builder(
            name,
            this,
            metrics -> {
              RetentionTable.TableSize size = metrics.current().get(table);
              return size == null ? Double.NaN : value.applyAsDouble(size);
            })
        .tag("table", table)
        .baseUnit(unit)
        .description(description)
        .register(registry);
  }

  private static ThreadPoolExecutor reader() {
    ThreadPoolExecutor reader =
        new ThreadPoolExecutor(
            1,
            1,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(task, "jobwatch-table-sizes");
              thread.setDaemon(true);
              return thread;
            });
    reader.allowCoreThreadTimeOut(true);
    return reader;
  }

  private Map<String, RetentionTable.TableSize> current() {
    synchronized (this) {
      Instant now = clock.instant();
      if (!reading
          && (readAt == null || Duration.between(readAt, now).compareTo(MAX_STALENESS) >= 0)) {
        readAt = now;
        reading = true;
        reader.execute(this::readInBackground);
      }
    }
    return sizes;
  }

  private void readInBackground() {
    try {
      refresh();
    } finally {
      synchronized (this) {
        reading = false;
      }
    }
  }

  /**
   * Reads the sizes now, on the calling thread (the scrapes' reads run it in the background); a
   * database that cannot be read keeps the last ones.
   */
  public void refresh() {
    try {
      sizes =
          jdbi.withHandle(RetentionTable::sizes).stream()
              .collect(Collectors.toMap(RetentionTable.TableSize::table, size -> size));
    } catch (JdbiException e) {
      LOG.debug("table sizes unavailable, keeping the last ones: {}", e.getMessage());
    }
  }
}
