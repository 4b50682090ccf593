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
 * @param startedAt null when the start is unknown
 */
public record FinishedRun(Instant startedAt, Instant finishedAt, boolean succeeded) {
  /** How many runs a monitor keeps: enough for every threshold and every max-runs limit. */
  public static final int KEPT = MonitorRules.MAX_RUNS + 1;

  /** Newest first: by finish, then start, then failure before success; a total order. */
  static final Comparator<FinishedRun> NEWEST_FIRST =
      Comparator.comparing(FinishedRun::finishedAt)
          .thenComparing(FinishedRun::startedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(FinishedRun::succeeded)
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

  /**
   * {@code runs} with {@code run} added: newest first, without duplicates, at most {@link #KEPT}. A
   * set union truncated by a total order, so any order and duplication of additions gives the same
   * list.
   */
  static List<FinishedRun> add(List<FinishedRun> runs, FinishedRun run) {
    if (runs.contains(run)) {
      return runs;
    }
    List<FinishedRun> merged = new ArrayList<>(runs.size() + 1);
    merged.addAll(runs);
    merged.add(run);
    merged.sort(NEWEST_FIRST);
    return List.copyOf(merged.subList(0, Math.min(KEPT, merged.size())));
  }
}
