package io.jobwatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * This contender process's delays from event time to commit, one value per event, kept apart for
 * the warm-up (events whose time, the publish time in a paced run, is within {@link #warmupMillis}
 * of the first record's publication: JIT compilation, connection pools, the group join and the
 * backlog they build) and the steady state after it, each with its exact maximum; and a per-second
 * timeline. Classifying by event time rather than commit time keeps a warm-up backlog that drains
 * late out of neither: the steady state's events are those published after the warm-up phase,
 * whatever they waited behind. One per process (a contender runs alone in its JVM); thread-safe.
 */
final class Delays {
  private volatile long warmupMillis;
  private static final Delays PROCESS = new Delays();

  private final LatencyHistogram warmup = new LatencyHistogram();
  private final LatencyHistogram steady = new LatencyHistogram();
  private final AtomicLong warmupMax = new AtomicLong(-1);
  private final AtomicLong steadyMax = new AtomicLong(-1);
  // Per second since the first record was published: events committed and their largest delay, to
  // see when a
  // tail happened (delay-timeline.csv of a paced run).
  private static final int TIMELINE_SECONDS = 3600;
  private final AtomicLongArray perSecondEvents = new AtomicLongArray(TIMELINE_SECONDS);
  private final AtomicLongArray perSecondMax = new AtomicLongArray(TIMELINE_SECONDS);

  Delays() {}

  static Delays process() {
    return PROCESS;
  }

  /** Events published this long after the first one are the warm-up (set before the run). */
  void warmupMillis(long millis) {
    warmupMillis = millis;
  }

  /** Records one event's delay, committed now. */
  void record(long delayMillis) {
    record(delayMillis, System.currentTimeMillis(), RecordClock.firstPublishedMillis());
  }

  /**
   * Records one event's delay, committed at {@code now}; {@code first}: when the first record was
   * published (its timestamp), or -1 before any record.
   */
  void record(long delayMillis, long now, long first) {
    long delay = Math.max(0, delayMillis);
    if (first >= 0 && now - first < TIMELINE_SECONDS * 1000L) {
      int second = (int) ((now - first) / 1000);
      perSecondEvents.incrementAndGet(second);
      perSecondMax.accumulateAndGet(second, delay, Math::max);
    }
    long eventTime = now - delay;
    if (first < 0 || eventTime - first < warmupMillis) {
      warmup.record(delay);
      warmupMax.accumulateAndGet(delay, Math::max);
    } else {
      steady.record(delay);
      steadyMax.accumulateAndGet(delay, Math::max);
    }
  }

  /** Writes {@code second,events,max_delay_ms} for every second with commits. */
  void writeTimeline(Path file) {
    StringBuilder csv = new StringBuilder("second,events,max_delay_ms\n");
    for (int second = 0; second < TIMELINE_SECONDS; second++) {
      long events = perSecondEvents.get(second);
      if (events > 0) {
        csv.append(second).append(',').append(events).append(',');
        csv.append(perSecondMax.get(second)).append('\n');
      }
    }
    try {
      Files.writeString(file, csv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  LatencyHistogram warmup() {
    return warmup;
  }

  LatencyHistogram steady() {
    return steady;
  }

  /** The largest warm-up delay in ms; -1 when none. */
  long warmupMax() {
    return warmupMax.get();
  }

  /** The largest steady-state delay in ms; -1 when none. */
  long steadyMax() {
    return steadyMax.get();
  }
}
