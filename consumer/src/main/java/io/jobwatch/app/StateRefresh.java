package io.jobwatch.app;

import io.jobwatch.metrics.DatabaseState;
import io.jobwatch.metrics.StateMetrics;
import io.jobwatch.store.Database;
import io.jobwatch.store.ProgressTable;
import io.jobwatch.store.StageHealthTable;
import io.jobwatch.store.StateQueries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic refresh of the database-derived metrics: the holder of the {@link ExporterLease}
 * re-evaluates the monitors and exports the state; the others withdraw those families. When the
 * database cannot be read the metrics keep their last values (a blip must change no alert) and the
 * failure is counted. {@link #refresh} is synchronized: the scheduler and tests may call it.
 */
public final class StateRefresh implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StateRefresh.class);

  private final StateMetrics metrics;
  private final Clock clock;
  private final ExporterLease lease;
  private boolean failing;

  /**
   * A lease holder's session silent for this many of its refresh periods, and at least {@link
   * #MIN_SILENCE}, is ended by PostgreSQL (60 s with the default period, the age of the state at
   * which JobwatchStateStale starts counting). The floor keeps a short period from handing the
   * lease around on a pause of the holder.
   */
  private static final int SILENT_PERIODS = 12;

  private static final Duration MIN_SILENCE = Duration.ofSeconds(30);

  StateRefresh(Database database, StateMetrics metrics, Clock clock, Duration period) {
    this.metrics = metrics;
    this.clock = clock;
    Duration silence = period.multipliedBy(SILENT_PERIODS);
    this.lease =
        new ExporterLease(database, silence.compareTo(MIN_SILENCE) < 0 ? MIN_SILENCE : silence);
  }

  synchronized void refresh() {
    Instant now = clock.instant();
    try {
      if (lease.acquire()) {
        // On the lease's own session: busy while it reads, so a slow read never looks silent.
        DatabaseState state = lease.inTransaction(handle -> read(handle, now));
        metrics.export(state, now);
      } else {
        if (metrics.isActive()) {
          LOG.info("another instance exports the database state now");
        }
        metrics.withdraw(now);
      }
      if (failing) {
        LOG.info("database state refreshed again");
        failing = false;
      }
    } catch (RuntimeException e) {
      if (!failing) {
        LOG.warn("could not refresh the database state; keeping the last values: {}", e.toString());
        failing = true;
      }
      metrics.refreshFailed();
    }
  }

  /**
   * One refresh's reads (and its writes: folded job counts, changed monitor evaluations), as the
   * lease holder runs them in one transaction; public for the benchmark's refresh timing.
   */
  public static DatabaseState read(org.jdbi.v3.core.Handle handle, Instant now) {
    // Issue 10.3: monitors are judged at the stream's watermark while the pipeline is behind.
    Instant judgedAt = ProgressTable.judgementInstant(handle, now);
    // Issue 11.4: the lease holder keeps job_counts current, so no refresh counts all jobs.
    StateQueries.foldJobCountChanges(handle);
    // Stuck jobs too: a wake-up still in the backlog must not make a job look stuck. Caught up,
    // by this instance's clock, as the monitors, not by the database's (docs/operators.md).
    StateQueries.Waits waits =
        StateQueries.waitsByService(handle, judgedAt, judgedAt.isBefore(now));
    return new DatabaseState(
        StageHealthTable.all(handle),
        StateQueries.jobsByServiceAndStateWithActivity(handle),
        waits.unsatisfiable(),
        waits.stuck(),
        StateQueries.deadLettersByTopic(handle),
        StateQueries.crashesByServiceAndBlame(handle),
        MonitorRefresh.refresh(handle, judgedAt, judgedAt.isBefore(now)),
        judgedAt);
  }

  @Override
  public synchronized void close() {
    metrics.withdraw();
    lease.close();
  }
}
