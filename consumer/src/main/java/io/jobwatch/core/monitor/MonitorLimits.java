package io.jobwatch.core.monitor;

import java.time.Duration;
import java.time.Instant;

/**
 * Bounds on the durations and instants of monitors, so that schedule arithmetic cannot overflow and
 * every computed time fits the database. Constants only, safe to share between threads.
 *
 * <p>Declarations are checked against {@link #MAX_DURATION} when they arrive (JSON Schema and
 * decoder); the evaluator treats a time later than {@link #LATEST} as "never".
 */
public final class MonitorLimits {
  /** The longest {@code every}, {@code grace}, {@code max_runtime} and other monitor duration. */
  public static final Duration MAX_DURATION = Duration.ofDays(366);

  /** The latest expected time or deadline (the contract's event times end in year 9999). */
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  private MonitorLimits() {}

  /** Whether {@code duration} is neither negative nor longer than {@link #MAX_DURATION}. */
  public static boolean isWithinBounds(Duration duration) {
    return !duration.isNegative() && duration.compareTo(MAX_DURATION) <= 0;
  }

  /** {@code at + duration}, or null when {@code at} is null or the sum is later than LATEST. */
  static Instant plusOrNever(Instant at, Duration duration) {
    if (at == null || at.isAfter(LATEST)) {
      return null;
    }
    // Compared before adding, so that no duration (even one read from an old row) can overflow.
    // Not Duration.between: its nanosecond arithmetic overflows for spans over 292 years (here
    // always) and it falls back through a caught ArithmeticException, which deoptimised this hot
    // path on every call (JFR: 180 deoptimisations a second in a paced benchmark run).
    Duration room =
        Duration.ofSeconds(
            LATEST.getEpochSecond() - at.getEpochSecond(), LATEST.getNano() - at.getNano());
    return duration.compareTo(room) > 0 ? null : at.plus(duration);
  }
}
