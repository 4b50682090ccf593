package io.jobwatch.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * This contender process's delays from event time to commit, one value per event, kept apart for
 * the warm-up (commits in the first {@link #WARMUP_MILLIS} ms after the first record was received:
 * JIT compilation, connection pools and the first backlog) and the steady state after it, each with
 * its exact maximum. One per process (a contender runs alone in its JVM); thread-safe.
 */
final class Delays {
  static final long WARMUP_MILLIS = 10_000;
  private static final Delays PROCESS = new Delays();

  private final LatencyHistogram warmup = new LatencyHistogram();
  private final LatencyHistogram steady = new LatencyHistogram();
  private final AtomicLong warmupMax = new AtomicLong(-1);
  private final AtomicLong steadyMax = new AtomicLong(-1);

  private Delays() {}

  static Delays process() {
    return PROCESS;
  }

  /** Records one event's delay, committed now. */
  void record(long delayMillis) {
    long delay = Math.max(0, delayMillis);
    long first = RecordClock.firstRecordMillis();
    if (first < 0 || System.currentTimeMillis() - first < WARMUP_MILLIS) {
      warmup.record(delay);
      warmupMax.accumulateAndGet(delay, Math::max);
    } else {
      steady.record(delay);
      steadyMax.accumulateAndGet(delay, Math::max);
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
