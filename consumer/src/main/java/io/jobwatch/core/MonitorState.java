package io.jobwatch.core;

import io.jobwatch.core.MonitorChange.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The folded state of one monitor: the declaration in force, pause and retirement, and what its
 * runs reported. Immutable and safe to share between threads; built by {@link MonitorFold}.
 *
 * <p>A monitor may report runs before it is declared: {@code team}, {@code schedule}, {@code
 * grace}, {@code maxRuntime} and {@code declaredAt} are then null and the runs are kept.
 *
 * <p>Two components are derived and kept consistent by {@link MonitorFold}: {@code retired} is true
 * when {@code retiredAt} is set and no declaration in force is later than it; {@code lastSeenAt} is
 * the latest start or finish of any run.
 */
public record MonitorState(
    String monitor,
    String team,
    Schedule schedule,
    Duration grace,
    Duration maxRuntime,
    Instant declaredAt,
    boolean paused,
    Instant pausedChangedAt,
    boolean retired,
    Instant retiredAt,
    Instant lastStartAt,
    Instant lastSuccessAt,
    Instant lastFailureAt,
    Instant lastFinishAt,
    Duration lastRunDuration,
    Instant lastSeenAt) {

  public MonitorState {
    Objects.requireNonNull(monitor, "monitor");
  }

  /** A monitor nothing is known about yet. */
  public static MonitorState unknown(String monitor) {
    return new MonitorState(
        monitor, null, null, null, null, null, false, null, false, null, null, null, null, null,
        null, null);
  }

  /** Whether a {@code monitor.declared} event has been folded in. */
  public boolean isDeclared() {
    return schedule != null;
  }

  /** Whether a run started after the last finish of any run. */
  public boolean isRunning() {
    return lastStartAt != null && (lastFinishAt == null || lastStartAt.isAfter(lastFinishAt));
  }

  /** Whether the latest finished run failed, that is no success at or after the last failure. */
  public boolean lastRunFailed() {
    return lastFailureAt != null && (lastSuccessAt == null || lastFailureAt.isAfter(lastSuccessAt));
  }
}
