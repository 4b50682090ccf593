package io.jobwatch.core.monitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A run of a monitored script seen started and not (yet) finished, as kept in {@link
 * MonitorState#openRuns()}: a monitor is running while it has one. Also a job's retry seen requeued
 * and not started yet ({@code startedAt} null): it never makes the monitor running, but records
 * that the job's earlier attempts are superseded. Immutable and safe to share between threads.
 *
 * @param jobId null for an anonymous run (see {@link MonitorRun})
 * @param attempt null for an anonymous run
 * @param startedAt null only for a retry not started yet (then {@code jobId} is set)
 */
public record OpenRun(String jobId, Integer attempt, Instant startedAt) {
  /** A fixed total order (not started first), so the list does not depend on arrival. */
  static final Comparator<OpenRun> ORDER =
      Comparator.comparing(OpenRun::startedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(OpenRun::jobId, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(OpenRun::attempt, Comparator.nullsFirst(Comparator.naturalOrder()));

  public OpenRun {
    if (startedAt == null && jobId == null) {
      throw new IllegalArgumentException("an anonymous open run needs startedAt");
    }
  }

  boolean isRun(String otherJobId, int otherAttempt) {
    return jobId != null && jobId.equals(otherJobId) && attempt == otherAttempt;
  }

  /**
   * {@code runs} with {@code run} added; two observations of the same run keep the earlier start
   * (the one the job fold keeps; a known start over none); at most {@link FinishedRun#KEPT}, the
   * latest starts. A set union truncated by a fixed order, so any order and duplication of
   * additions gives the same list. Superseding earlier attempts is the caller's ({@link
   * MonitorFold}).
   */
  static List<OpenRun> add(List<OpenRun> runs, OpenRun run) {
    List<OpenRun> merged = new ArrayList<>(runs.size() + 1);
    OpenRun added = run;
    for (OpenRun kept : runs) {
      if (run.jobId() != null && kept.isRun(run.jobId(), run.attempt())) {
        added = earlier(kept, added);
      } else if (!kept.equals(run)) {
        merged.add(kept);
      }
    }
    merged.add(added);
    merged.sort(ORDER);
    return List.copyOf(
        merged.subList(Math.max(0, merged.size() - FinishedRun.KEPT), merged.size()));
  }

  /** Of two observations of one run, the one with the earlier start; a known start over none. */
  private static OpenRun earlier(OpenRun one, OpenRun other) {
    if (one.startedAt() == null) {
      return other;
    }
    if (other.startedAt() == null) {
      return one;
    }
    return one.startedAt().isBefore(other.startedAt()) ? one : other;
  }
}
