package io.jobwatch.core.monitor;

import java.time.Duration;
import java.time.Instant;

/**
 * What a monitor learns from one run of its script (a job carrying {@code monitor}): when it
 * started, when it finished and whether it succeeded. Immutable and safe to share between threads.
 *
 * <p>Either end may be unknown (null), but not both. {@code succeeded} is null while the run is
 * running and requires {@code finishedAt}: a failure is a finished run with {@code
 * succeeded=false}.
 */
public record MonitorRun(Instant startedAt, Instant finishedAt, Boolean succeeded) {
  public MonitorRun {
    if (startedAt == null && finishedAt == null) {
      throw new IllegalArgumentException("a monitor run needs startedAt or finishedAt");
    }
    if (succeeded != null && finishedAt == null) {
      throw new IllegalArgumentException("a monitor run with an outcome needs finishedAt");
    }
  }

  /**
   * How long the run took; null when either end is unknown or the finish precedes the start
   * (publishers' clocks disagree), because a negative duration would only mislead.
   */
  public Duration duration() {
    if (startedAt == null || finishedAt == null || finishedAt.isBefore(startedAt)) {
      return null;
    }
    return Duration.between(startedAt, finishedAt);
  }
}
