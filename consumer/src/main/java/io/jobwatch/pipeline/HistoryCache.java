package io.jobwatch.pipeline;

import io.jobwatch.core.JobEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The stored histories of recently folded jobs, so that a batch need not read and decode them
 * again. A job's events all arrive on one partition (the lifecycle topic is keyed by job id), so
 * while this consumer owns its partitions nobody else writes those histories. The owner must {@link
 * #clear} it on every rebalance and after every failed batch, and add a batch's histories only
 * after its transaction committed. Least recently used entries are dropped beyond the size. Not
 * thread-safe: owned by the consumer thread.
 */
public final class HistoryCache {
  /** A job's stored events, and which of them are stored with outcome {@code ignored}. */
  public record Entry(List<JobEvent> events, Set<String> storedAsIgnored) {}

  private final Map<String, Entry> entries;

  public HistoryCache(int maxJobs) {
    this.entries =
        new LinkedHashMap<>(Math.min(maxJobs, 1 << 16), 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > maxJobs;
          }
        };
  }

  /** A cache that keeps nothing (every batch reads histories from the database). */
  public static HistoryCache disabled() {
    return new HistoryCache(0);
  }

  Entry get(String jobId) {
    return entries.get(jobId);
  }

  /** Adds the histories a committed batch wrote. */
  public void putAll(Map<String, Entry> committed) {
    entries.putAll(committed);
  }

  public void clear() {
    entries.clear();
  }

  public int size() {
    return entries.size();
  }
}
