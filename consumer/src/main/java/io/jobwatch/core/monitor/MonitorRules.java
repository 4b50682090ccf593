package io.jobwatch.core.monitor;

import java.time.Duration;
import java.util.Objects;

/**
 * The run rules a declaration may add to its schedule (issue 14.3): what cron users of Healthchecks
 * and Sentry ask for. Immutable and safe to share between threads.
 *
 * @param minRuntime a successful run shorter than this counts as failed; null for none
 * @param startGrace a run must start within this after the expected time, or the monitor is down
 *     (the run's finish keeps {@code grace}); null for none
 * @param failureThreshold down after this many consecutive failed runs (1, as before)
 * @param recoveryThreshold once down by failures, up again after this many consecutive successes
 * @param maxRuns at most this many runs may finish within {@code runsPeriod}; null for no limit
 * @param runsPeriod the sliding window of {@code maxRuns}; set exactly when {@code maxRuns} is
 */
public record MonitorRules(
    Duration minRuntime,
    Duration startGrace,
    int failureThreshold,
    int recoveryThreshold,
    Integer maxRuns,
    Duration runsPeriod) {
  /** No rules beyond the schedule: one failed run is down, one success is up. */
  public static final MonitorRules DEFAULT = new MonitorRules(null, null, 1, 1, null, null);

  /** The largest failure or recovery threshold: the fold keeps this many recent runs and more. */
  public static final int MAX_THRESHOLD = 20;

  /** The largest {@code maxRuns}. */
  public static final int MAX_RUNS = 50;

  public MonitorRules {
    if (failureThreshold < 1 || failureThreshold > MAX_THRESHOLD) {
      throw new IllegalArgumentException("failure threshold out of 1.." + MAX_THRESHOLD);
    }
    if (recoveryThreshold < 1 || recoveryThreshold > MAX_THRESHOLD) {
      throw new IllegalArgumentException("recovery threshold out of 1.." + MAX_THRESHOLD);
    }
    if ((maxRuns == null) != (runsPeriod == null)) {
      throw new IllegalArgumentException("max runs and its period go together");
    }
    if (maxRuns != null && (maxRuns < 1 || maxRuns > MAX_RUNS)) {
      throw new IllegalArgumentException("max runs out of 1.." + MAX_RUNS);
    }
  }

  /** A fixed textual form, only used to break ties between declarations. */
  String canonical() {
    return String.join(
        ",",
        Objects.toString(minRuntime, ""),
        Objects.toString(startGrace, ""),
        Integer.toString(failureThreshold),
        Integer.toString(recoveryThreshold),
        Objects.toString(maxRuns, ""),
        Objects.toString(runsPeriod, ""));
  }
}
