package io.jobwatch.core.monitor;

import java.time.Duration;
import java.time.Instant;

/**
 * What a monitor learns from one observation of one run of its script (a job carrying {@code
 * monitor}): which run it is, when it started, when it finished and whether it succeeded. Immutable
 * and safe to share between threads.
 *
 * <p>A run is one attempt of one job ({@code jobId}, {@code attempt}): the pipeline observes it
 * after every batch that changed the job, and each observation knows at least as much as the
 * previous ones, so {@link MonitorFold} merges observations of the same run into one run instead of
 * counting them. {@code jobId} null is an anonymous run (tests, callers without a job), merged only
 * with identical observations.
 *
 * <p>Either end may be unknown (null), but not both. {@code succeeded} is null while the run is
 * running and requires {@code finishedAt}: a failure is a finished run with {@code
 * succeeded=false}.
 */
public record MonitorRun(
    String jobId, int attempt, Instant startedAt, Instant finishedAt, Boolean succeeded) {
  public MonitorRun {
    if (startedAt == null && finishedAt == null) {
      throw new IllegalArgumentException("a monitor run needs startedAt or finishedAt");
    }
    if (succeeded != null && finishedAt == null) {
      throw new IllegalArgumentException("a monitor run with an outcome needs finishedAt");
    }
  }

  /** An anonymous run, not tied to a job. */
  public MonitorRun(Instant startedAt, Instant finishedAt, Boolean succeeded) {
    this(null, 0, startedAt, finishedAt, succeeded);
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

  /** The start when it is not after the finish: a start after the finish did not start this run. */
  Instant validStart() {
    return startedAt != null && finishedAt != null && startedAt.isAfter(finishedAt)
        ? null
        : startedAt;
  }
}
