package io.jobwatch.core.monitor;

import java.time.Duration;
import java.time.Instant;

/**
 * What a monitor learns from one observation of one run of its script (a job carrying {@code
 * monitor}): which run it is, when it started, when it finished and whether it succeeded. Immutable
 * and safe to share between threads.
 *
 * <p>An observation is of one attempt of one job ({@code jobId}, {@code attempt}): the pipeline
 * observes the job's current attempt after every batch that changed the job, and each observation
 * knows at least as much as the previous ones, so {@link MonitorFold} merges observations of the
 * same attempt into one run instead of counting them. {@code jobId} null is an anonymous run
 * (tests, callers without a job), merged only with identical observations.
 *
 * <p>A job is one run of its monitor and its attempts are retries of that run: an observation of a
 * later attempt supersedes every earlier attempt of the same job ({@link MonitorFold#observeRun}).
 *
 * <p>Either end may be unknown (null), but not both, except for a job's retry seen requeued and not
 * started yet ({@code jobId} set, {@code attempt} above 1): it only supersedes the earlier
 * attempts. {@code succeeded} is null while the run is running and requires {@code finishedAt}: a
 * failure is a finished run with {@code succeeded=false}.
 */
public record MonitorRun(
    String jobId, int attempt, Instant startedAt, Instant finishedAt, Boolean succeeded) {
  public MonitorRun {
    if (startedAt == null && finishedAt == null && (jobId == null || attempt < 2)) {
      throw new IllegalArgumentException(
          "a monitor run needs startedAt or finishedAt, unless it is a retry not started yet");
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

  /** Whether this observes a retry seen requeued, neither started nor finished yet. */
  boolean isPendingRetry() {
    return startedAt == null && finishedAt == null;
  }
}
