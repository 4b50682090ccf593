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

  /** Evaluates every monitor at {@code now}, stores changed evaluations, returns them all. */
  static List<DatabaseState.Monitor> refresh(Handle handle, Instant now) {
    List<MonitorsTable.Evaluated> changed = new ArrayList<>();
    List<DatabaseState.Monitor> monitors = new ArrayList<>();
    for (MonitorsTable.Stored stored : MonitorsTable.allWithEvaluation(handle)) {
      MonitorState state = stored.state();
      MonitorEvaluation evaluation = MonitorEvaluator.evaluate(state, now);
      if (!Objects.equals(evaluation, stored.evaluation())) {
        changed.add(new MonitorsTable.Evaluated(state, evaluation, now));
      }
      monitors.add(new DatabaseState.Monitor(state, evaluation));
    }
    MonitorsTable.storeEvaluations(handle, changed);
    return monitors;
  }
}
