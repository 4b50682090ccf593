package io.jobwatch.pipeline;

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

  private Map<String, HistoryCache.Entry> histories = Map.of();

  void histories(Map<String, HistoryCache.Entry> written) {
    this.histories = written;
  }

  /** The job histories as this batch stored them, for the cache once it committed. */
  public Map<String, HistoryCache.Entry> histories() {
    return histories;
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
