package io.jobwatch.metrics;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Makes a scrape and a gauge family's change exclude each other: a scrape reads every series of a
 * family either before or after a refresh replaced them, never some of each (a one-hot family such
 * as a monitor's status could read two statuses at 1, or none, when the swap landed between the
 * reads of two of its series). Scrapes run together; a family's change waits for them, and they for
 * it, which takes microseconds: the values are computed before. Thread-safe.
 */
public final class Scrapes {
  private static final ReentrantReadWriteLock LOCK = new ReentrantReadWriteLock();

  private Scrapes() {}

  /** Runs a scrape; no family changes while it reads. */
  public static <T> T read(Supplier<T> scrape) {
    LOCK.readLock().lock();
    try {
      return scrape.get();
    } finally {
      LOCK.readLock().unlock();
    }
  }

  /** Runs a family's change; no scrape reads meanwhile. */
  static void change(Runnable change) {
    LOCK.writeLock().lock();
    try {
      change.run();
    } finally {
      LOCK.writeLock().unlock();
    }
  }

  /** Whether a change waits for a scrape to finish (tests). */
  static boolean changeWaiting() {
    return LOCK.hasQueuedThreads();
  }
}
