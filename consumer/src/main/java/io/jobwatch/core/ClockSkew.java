package io.jobwatch.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The bound on publishers' clocks: an event whose time is more than {@code maxSkew} ahead of the
 * time its record reached the log is folded at the record's time instead. Events far behind the
 * record's time (published late, from a spool) keep their own time. Immutable and thread-safe.
 */
public record ClockSkew(Duration maxSkew) {
  /** The default tolerance, {@code PT5M}. */
  public static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(5);

  public ClockSkew {
    Objects.requireNonNull(maxSkew, "maxSkew");
    if (maxSkew.isNegative()) {
      throw new IllegalArgumentException("the clock skew tolerance must not be negative");
    }
  }

  /** Whether {@code eventTime} lies beyond the tolerance ahead of {@code recordTime}. */
  public boolean isAhead(Instant eventTime, Instant recordTime) {
    if (recordTime == null) {
      return false;
    }
    // Compared as a duration so that extreme instants cannot overflow Instant arithmetic.
    return Duration.between(recordTime, eventTime).compareTo(maxSkew) > 0;
  }

  /**
   * The event as it is folded: re-timed to {@code recordTime} when its own time is too far ahead,
   * else unchanged. A null {@code recordTime} (a record without a timestamp) bounds nothing.
   */
  public Event bound(Event event, Instant recordTime) {
    return isAhead(event.time(), recordTime) ? event.withTime(recordTime) : event;
  }
}
