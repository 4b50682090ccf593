package io.jobwatch.pipeline;

import io.jobwatch.core.job.BatchPlanner;
import io.jobwatch.core.job.JobFoldState;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one committed batch did: outcomes per topic, and the event times of applied events (for the
 * end-to-end delay). Not thread-safe; owned by the consumer thread.
 */
public final class BatchResult {
  private final Map<String, EnumMap<Outcome, Long>> outcomes = new HashMap<>();
  private final List<Instant> appliedEventTimes = new java.util.ArrayList<>();
  private int jobsWritten;
  private int stagesWritten;
  private int monitorsWritten;

  void count(String topic, Outcome outcome) {
    outcomes
        .computeIfAbsent(topic, t -> new EnumMap<>(Outcome.class))
        .merge(outcome, 1L, Long::sum);
  }

  void applied(Instant eventTime) {
    appliedEventTimes.add(eventTime);
  }

  private Map<String, JobFoldState> histories = Map.of();
  private Map<String, Instant> firstStored = Map.of();
  private Map<BatchPlanner.Refold, Integer> refolds = Map.of();

  void states(List<JobFoldState> written) {
    Map<String, JobFoldState> byJob = new HashMap<>();
    written.forEach(state -> byJob.put(state.jobId(), state));
    this.histories = byJob;
  }

  /** The job fold states as this batch stored them, for the cache once it committed. */
  public Map<String, JobFoldState> histories() {
    return histories;
  }

  void firstStored(Map<String, Instant> known) {
    this.firstStored = known;
  }

  /** When the fold state of each job of {@link #histories} was first stored, where known. */
  public Map<String, Instant> firstStored() {
    return firstStored;
  }

  void refolds(Map<BatchPlanner.Refold, Integer> counted) {
    this.refolds = Map.copyOf(counted);
  }

  /**
   * Jobs this batch refolded, by where the refold started (issue 11.3: an event in fold order is
   * folded onto the stored state; only an out-of-order one refolds).
   */
  public Map<BatchPlanner.Refold, Integer> refolds() {
    return refolds;
  }

  void written(int jobs, int stages, int monitors) {
    this.jobsWritten = jobs;
    this.stagesWritten = stages;
    this.monitorsWritten = monitors;
  }

  public Map<String, EnumMap<Outcome, Long>> outcomes() {
    return outcomes;
  }

  public long count(Outcome outcome) {
    return outcomes.values().stream()
        .mapToLong(byOutcome -> byOutcome.getOrDefault(outcome, 0L))
        .sum();
  }

  public List<Instant> appliedEventTimes() {
    return appliedEventTimes;
  }

  public int jobsWritten() {
    return jobsWritten;
  }

  public int stagesWritten() {
    return stagesWritten;
  }

  public int monitorsWritten() {
    return monitorsWritten;
  }
}
