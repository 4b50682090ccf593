package io.jobwatch.app;

import io.jobwatch.core.monitor.MonitorEvaluation;
import io.jobwatch.core.monitor.MonitorEvaluator;
import io.jobwatch.core.monitor.MonitorState;
import io.jobwatch.metrics.DatabaseState;
import io.jobwatch.store.MonitorsTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jdbi.v3.core.Handle;

/**
 * Re-evaluates every monitor's status at a given time and stores the evaluations that changed, so
 * that {@code monitor_status} follows the clock without new events. Run by the exporter-lease
 * holder only. Stateless and thread-safe.
 */
final class MonitorRefresh {
  private MonitorRefresh() {}

  /** {@link #refresh(Handle, Instant, boolean)} with every partition caught up. */
  static List<DatabaseState.Monitor> refresh(Handle handle, Instant now) {
    return refresh(handle, now, false);
  }

  /**
   * Evaluates every monitor at {@code now} (the judgement instant; {@code behind} while a backlog
   * drains, {@link MonitorEvaluator#evaluate(MonitorState, Instant, boolean)}), stores changed
   * evaluations, returns them all. A monitor that a batch folded since it was read keeps the
   * batch's evaluation (it is the fresher one); the next refresh judges its new state.
   */
  static List<DatabaseState.Monitor> refresh(Handle handle, Instant now, boolean behind) {
    List<MonitorsTable.Reevaluated> changed = new ArrayList<>();
    List<DatabaseState.Monitor> monitors = new ArrayList<>();
    for (MonitorsTable.Stored stored : MonitorsTable.allWithEvaluation(handle)) {
      MonitorState state = stored.state();
      MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, now, behind);
      if (!asStored(evaluation, stored.evaluation())) {
        changed.add(new MonitorsTable.Reevaluated(stored, evaluation, now));
      }
      monitors.add(new DatabaseState.Monitor(state, evaluation));
    }
    MonitorsTable.storeEvaluations(handle, changed);
    return monitors;
  }

  /**
   * Whether {@code stored} is {@code fresh} as PostgreSQL keeps it: times to the microsecond. A run
   * reported in nanoseconds (Go's RFC3339Nano) gives an expected time and deadline in nanoseconds,
   * which never equal their stored values, so a plain comparison rewrote the monitor, and moved its
   * {@code evaluated_at}, at every refresh although nothing had changed.
   */
  static boolean asStored(MonitorEvaluation fresh, MonitorEvaluation stored) {
    if (fresh == null || stored == null) {
      return fresh == stored;
    }
    return fresh.status() == stored.status()
        && sameMicrosecond(fresh.expectedAt(), stored.expectedAt())
        && sameMicrosecond(fresh.deadline(), stored.deadline())
        && sameMicrosecond(fresh.lastSeenAt(), stored.lastSeenAt());
  }

  private static boolean sameMicrosecond(Instant fresh, Instant stored) {
    if (fresh == null || stored == null) {
      return Objects.equals(fresh, stored);
    }
    // Stored values are rounded to the nearest microsecond: at most half of one away. Seconds
    // first, so that instants centuries apart cannot overflow the nanosecond difference.
    long seconds = fresh.getEpochSecond() - stored.getEpochSecond();
    return Math.abs(seconds) <= 1
        && Math.abs(seconds * 1_000_000_000L + fresh.getNano() - stored.getNano()) < 1_000;
  }
}
