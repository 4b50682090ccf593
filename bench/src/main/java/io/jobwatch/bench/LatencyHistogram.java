package io.jobwatch.bench;

import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of delays in milliseconds, in buckets of two significant digits (1 ms below 100 ms, at
 * most 10% wide above), mergeable across processes. Thread-safe (synchronized).
 */
public final class LatencyHistogram {
  private final TreeMap<Long, Long> counts = new TreeMap<>();

  /** Records {@code count} delays of {@code millis} (negative delays count as 0). */
  public synchronized void record(long millis, long count) {
    if (count > 0) {
      counts.merge(bucket(Math.max(0, millis)), count, Long::sum);
    }
  }

  public void record(long millis) {
    record(millis, 1);
  }

  /** Adds another histogram's counts, given as bucket upper bound in ms to count. */
  public synchronized void merge(Map<Long, Long> other) {
    other.forEach((bucket, count) -> counts.merge(bucket(bucket), count, Long::sum));
  }

  public synchronized Map<Long, Long> counts() {
    return new TreeMap<>(counts);
  }

  public synchronized long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The bucket upper bound below which {@code quantile} of the delays lie; -1 when empty. */
  public synchronized long percentile(double quantile) {
    long total = total();
    if (total == 0) {
      return -1;
    }
    long rank = (long) Math.ceil(quantile * total);
    long seen = 0;
    for (Map.Entry<Long, Long> entry : counts.entrySet()) {
      seen += entry.getValue();
      if (seen >= rank) {
        return entry.getKey();
      }
    }
    return counts.lastKey();
  }

  static long bucket(long millis) {
    if (millis < 100) {
      return millis;
    }
    long step = 1;
    while (millis / step >= 100) {
      step *= 10;
    }
    return ((millis + step - 1) / step) * step;
  }
}
