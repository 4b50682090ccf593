package io.jobwatch.kafka;

import java.time.Duration;
import java.time.Instant;

/**
 * The database outage state machine: healthy, or in an outage with an exponential backoff (250 ms
 * doubling to 15 s) before the next attempt to resynchronise. Not thread-safe: owned by the
 * consumer thread.
 */
final class OutageState {
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

  private Duration backoff = FIRST_BACKOFF;
  private Instant retryAt = Instant.MIN;
  private boolean outage;

  boolean inOutage() {
    return outage;
  }

  /** Whether the backoff has passed, so a resynchronisation may be tried at {@code now}. */
  boolean mayRetry(Instant now) {
    return !now.isBefore(retryAt);
  }

  /** A write or resynchronisation failed at {@code now}; returns whether an outage began. */
  boolean failed(Instant now) {
    boolean began = !outage;
    outage = true;
    retryAt = now.plus(backoff);
    Duration doubled = backoff.multipliedBy(2);
    backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
    return began;
  }

  /**
   * The database answered a resynchronisation; returns whether an outage ended. The backoff stays
   * until a write is accepted: a write that keeps failing while reads work (a record the database
   * refuses in a way no dead letter can hold, a missing grant) backs off too instead of retrying
   * every half second.
   */
  boolean resynced() {
    boolean ended = outage;
    outage = false;
    return ended;
  }

  /** The database accepted a write; returns whether an outage ended. */
  boolean succeeded() {
    backoff = FIRST_BACKOFF;
    return resynced();
  }

  /** New partitions need their offsets now, unless an outage is waiting out its backoff. */
  void retrySoonUnlessInOutage() {
    if (!outage) {
      retryAt = Instant.MIN;
    }
  }
}
