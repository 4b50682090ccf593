package io.jobwatch.core.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A finished run of a monitored script, as kept in {@link MonitorState#recentRuns()} to count
 * consecutive failures and runs per period. Immutable and safe to share between threads.
 *
 * @param jobId the job the run is an attempt of; null for an anonymous run (see {@link MonitorRun})
 *     and for runs stored before runs had an identity (V19)
 * @param attempt the job's attempt; null when {@code jobId} is
 * @param startedAt null when the start is unknown
 */
public record FinishedRun(
    String jobId, Integer attempt, Instant startedAt, Instant finishedAt, boolean succeeded) {
  /** How many runs a monitor keeps: enough for every threshold and every max-runs limit. */
  public static final int KEPT = MonitorRules.MAX_RUNS + 1;

  private static final Comparator<Instant> NULL_FIRST =
      Comparator.nullsFirst(Comparator.naturalOrder());

  /** Newest first: by finish, then start, then failure before success, then run; a total order. */
  static final Comparator<FinishedRun> NEWEST_FIRST =
      Comparator.comparing(FinishedRun::finishedAt)
          .thenComparing(FinishedRun::startedAt, NULL_FIRST)
          .thenComparing(FinishedRun::succeeded)
          .thenComparing(FinishedRun::jobId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(FinishedRun::attempt, Comparator.nullsFirst(Comparator.naturalOrder()))
          .reversed();

  public FinishedRun {
    Objects.requireNonNull(finishedAt, "finishedAt");
  }

  /** The run's duration, null when unknown or negative (clocks disagree). */
  public Duration duration() {
    return startedAt == null || finishedAt.isBefore(startedAt)
        ? null
        : Duration.between(startedAt, finishedAt);
  }

  boolean isRun(String otherJobId, int otherAttempt) {
    return jobId != null && jobId.equals(otherJobId) && attempt == otherAttempt;
  }

  /**
   * {@code runs} with {@code run} added: newest first, without duplicates, at most {@link #KEPT}.
   * Two observations of the same run (same job and attempt) are one run: it keeps the earliest
   * finish (the job fold keeps the first terminal event by time; on the same instant a failure
   * wins) and the earliest start that is not after that finish, as the job fold does. A set union
   * merged by that rule and truncated by a total order, so any order and duplication of additions
   * gives the same list.
   */
  static List<FinishedRun> add(List<FinishedRun> runs, FinishedRun run) {
    if (runs.contains(run)) {
      return runs;
    }
    List<FinishedRun> merged = new ArrayList<>(runs.size() + 1);
    FinishedRun added = run;
    for (FinishedRun kept : runs) {
      if (run.jobId() != null && kept.isRun(run.jobId(), run.attempt())) {
        added = merge(kept, added);
      } else {
        merged.add(kept);
      }
    }
    merged.add(added);
    merged.sort(NEWEST_FIRST);
    return List.copyOf(merged.subList(0, Math.min(KEPT, merged.size())));
  }

  /** Two observations of one run as one: the earliest end, the earliest start not after it. */
  private static FinishedRun merge(FinishedRun one, FinishedRun other) {
    int order = one.finishedAt().compareTo(other.finishedAt());
    FinishedRun end = order < 0 || order == 0 && !one.succeeded() ? one : other;
    Instant start = earliestStartNotAfter(end.finishedAt(), one.startedAt(), other.startedAt());
    return new FinishedRun(end.jobId(), end.attempt(), start, end.finishedAt(), end.succeeded());
  }

  /** The earliest of {@code starts} that is not after {@code finishedAt}; null if none. */
  static Instant earliestStartNotAfter(Instant finishedAt, Instant... starts) {
    Instant earliest = null;
    for (Instant start : starts) {
      if (start != null
          && !start.isAfter(finishedAt)
          && (earliest == null || start.isBefore(earliest))) {
        earliest = start;
      }
    }
    return earliest;
  }
}
