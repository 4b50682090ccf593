package io.jobwatch.core.monitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A run of a monitored script seen started and not (yet) finished, as kept in {@link
 * MonitorState#openRuns()}: a monitor is running while it has one. Immutable and safe to share
 * between threads.
 *
 * @param jobId null for an anonymous run (see {@link MonitorRun})
 * @param attempt null for an anonymous run
 */
public record OpenRun(String jobId, Integer attempt, Instant startedAt) {
  /** A fixed total order, so the list does not depend on arrival. */
  static final Comparator<OpenRun> ORDER =
      Comparator.comparing(OpenRun::startedAt)
          .thenComparing(OpenRun::jobId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(OpenRun::attempt, Comparator.nullsFirst(Comparator.naturalOrder()));

  public OpenRun {
    Objects.requireNonNull(startedAt, "startedAt");
  }

  boolean isRun(String otherJobId, int otherAttempt) {
    return jobId != null && jobId.equals(otherJobId) && attempt == otherAttempt;
  }

  /**
   * {@code runs} with {@code run} added; two observations of the same run keep the earlier start
   * (the one the job fold keeps); at most {@link FinishedRun#KEPT}, the latest starts. A set union
   * truncated by a fixed order, so any order and duplication of additions gives the same list.
   */
  static List<OpenRun> add(List<OpenRun> runs, OpenRun run) {
    List<OpenRun> merged = new ArrayList<>(runs.size() + 1);
    OpenRun added = run;
    for (OpenRun kept : runs) {
      if (run.jobId() != null && kept.isRun(run.jobId(), run.attempt())) {
        added = kept.startedAt().isBefore(added.startedAt()) ? kept : added;
      } else if (!kept.equals(run)) {
        merged.add(kept);
      }
    }
    merged.add(added);
    merged.sort(ORDER);
    return List.copyOf(
        merged.subList(Math.max(0, merged.size() - FinishedRun.KEPT), merged.size()));
  }
}
