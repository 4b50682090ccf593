package io.jobwatch.core.monitor;

import java.time.Instant;
import java.util.Objects;

/**
 * The status of a monitor at one instant, with the times that explain it. Immutable and safe to
 * share between threads.
 *
 * @param expectedAt when the next successful run is expected; null for paused and retired monitors
 *     and for a cron expression that never fires again
 * @param deadline {@code expectedAt} plus grace, after which the monitor is down; null when {@code
 *     expectedAt} is
 * @param lastSeenAt the latest start or finish of any run, null if it never ran
 */
public record MonitorEvaluation(
    MonitorStatus status, Instant expectedAt, Instant deadline, Instant lastSeenAt) {
  public MonitorEvaluation {
    Objects.requireNonNull(status, "status");
  }
}
