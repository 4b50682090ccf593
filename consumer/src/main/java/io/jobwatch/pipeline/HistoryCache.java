package io.jobwatch.pipeline;

import io.jobwatch.core.job.JobFoldState;
import io.jobwatch.core.job.RuntimeStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fold states of recently folded jobs, so that a batch need not read them again. A job's events
 * should all arrive on one partition (the lifecycle topic is keyed by job id), so while this
 * consumer owns its partitions nobody else writes those states. When they do not (publishers with
 * different partitioners, partitions added), another consumer may store a newer state of a cached
 * job: the batch's compare-and-set on the stored state fails ({@link FoldConflictException}), and
 * the batch is written again from the database's states. The owner must {@link #clear} it on every
 * rebalance and after every failed batch (fenced and conflicting ones included), and add a batch's
 * states only after its transaction committed. Bounded in bytes ({@code JOBWATCH_HISTORY_CACHE_MB})
 * by {@link #estimatedBytes}; least recently used entries go first. Not thread-safe: owned by the
 * consumer thread.
 */
public final class HistoryCache {
  /** A map entry, its key and the state object with its position and memory records. */
  static final long ENTRY_OVERHEAD = 600;

  /** One stage evidence record with its strings. */
  static final long PER_EVIDENCE = 250;

  /** One attempt's timeline step and earliest time, one crash row. */
  static final long PER_ATTEMPT = 150;

  private final long maxBytes;
  private final Map<String, JobFoldState> entries = new LinkedHashMap<>(1 << 10, 0.75f, true);
  private final Map<String, Long> sizes = new LinkedHashMap<>();
  private final Map<String, Instant> firstStored = new HashMap<>();
  private long bytes;

  public HistoryCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A cache that keeps nothing (every batch reads fold states from the database). */
  public static HistoryCache disabled() {
    return new HistoryCache(0);
  }

  /**
   * An estimate of the heap a cached state takes: a fixed overhead, its strings (2 bytes a char, as
   * the JVM may store them), and per stage evidence, attempt and crash a fixed amount. It does not
   * grow with the number of events folded.
   */
  static long estimatedBytes(JobFoldState state) {
    JobFoldState.Memory memory = state.memory();
    long chars =
        length(state.jobId())
            + length(memory.service())
            + length(memory.runner())
            + length(memory.monitor())
            + length(memory.cause())
            + length(memory.details())
            + length(memory.host())
            + length(memory.waitingReason())
            + length(memory.triggerJson());
    for (Map.Entry<String, String> label : memory.labels().entrySet()) {
      chars += length(label.getKey()) + length(label.getValue()) + 32;
    }
    RuntimeStatus runtime = memory.runtime();
    if (runtime != null) {
      chars += length(runtime.error()) + length(runtime.warning()) + length(runtime.activity());
      for (String detail : runtime.errorDetails()) {
        chars += length(detail);
      }
    }
    for (JobFoldState.Evidence evidence : memory.evidence()) {
      chars += length(evidence.message());
    }
    chars += 64L * memory.dependsOn().size();
    int attempts = Math.max(memory.attempt(), state.position().attemptStarts().size());
    return ENTRY_OVERHEAD
        + 2 * chars
        + PER_EVIDENCE * memory.evidence().size()
        + PER_ATTEMPT * (attempts + memory.crashes().size());
  }

  private static long length(String text) {
    return text == null ? 0 : text.length();
  }

  JobFoldState get(String jobId) {
    return entries.get(jobId);
  }

  /** When the cached job's fold state was first stored; null if unknown or not cached. */
  Instant firstStored(String jobId) {
    return firstStored.get(jobId);
  }

  /**
   * Adds the fold states a committed batch wrote, with when each job's state was first stored
   * (absent: unknown).
   */
  public void putAll(Map<String, JobFoldState> committed, Map<String, Instant> firstStoredAt) {
    if (maxBytes <= 0) {
      return;
    }
    committed.forEach(
        (jobId, state) -> {
          long size = estimatedBytes(state);
          Long previous = sizes.put(jobId, size);
          bytes += size - (previous == null ? 0 : previous);
          entries.put(jobId, state);
          Instant first = firstStoredAt.get(jobId);
          if (first != null) {
            firstStored.put(jobId, first);
          } else {
            firstStored.remove(jobId);
          }
        });
    Iterator<Map.Entry<String, JobFoldState>> eldest = entries.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      String jobId = eldest.next().getKey();
      eldest.remove();
      bytes -= sizes.remove(jobId);
      firstStored.remove(jobId);
    }
  }

  public void clear() {
    entries.clear();
    sizes.clear();
    firstStored.clear();
    bytes = 0;
  }

  public int size() {
    return entries.size();
  }

  /** The estimated bytes of the cached states. */
  public long bytes() {
    return bytes;
  }
}
