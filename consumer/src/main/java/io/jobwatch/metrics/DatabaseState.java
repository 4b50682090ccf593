package io.jobwatch.metrics;

import io.jobwatch.core.monitor.MonitorEvaluation;
import io.jobwatch.core.monitor.MonitorState;
import io.jobwatch.core.stage.StageHealth;
import io.jobwatch.store.StateQueries;
import java.time.Instant;
import java.util.List;

/**
 * One consistent read of everything the database-derived metrics show; the binders turn it into
 * series. {@code judgedAt} is the instant monitors were judged at (the stream's watermark while the
 * pipeline is behind), null if unknown. Immutable and thread-safe.
 */
public record DatabaseState(
    List<StageHealth> stages,
    List<StateQueries.ActiveCount> jobs,
    List<StateQueries.Count> unsatisfiable,
    List<StateQueries.Count> stuck,
    List<StateQueries.Count> deadLetters,
    List<StateQueries.Count> crashes,
    List<Monitor> monitors,
    Instant judgedAt) {

  public DatabaseState {
    stages = List.copyOf(stages);
    jobs = List.copyOf(jobs);
    unsatisfiable = List.copyOf(unsatisfiable);
    stuck = List.copyOf(stuck);
    deadLetters = List.copyOf(deadLetters);
    crashes = List.copyOf(crashes);
    monitors = List.copyOf(monitors);
  }

  /** A monitor with its evaluation at refresh time (null evaluation: not exported). */
  public record Monitor(MonitorState state, MonitorEvaluation evaluation) {}
}
