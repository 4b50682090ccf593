package io.jobwatch.core;

import java.time.Instant;

/**
 * An event accepted from the log: its CloudEvents id, its event time and a typed payload. Immutable
 * and safe to share between threads.
 */
public sealed interface Event permits JobEvent, StageEvent, MonitorEvent {
  /** The CloudEvents {@code id}; the same id seen twice is the same event. */
  String id();

  /** When it happened (event time), which decides order; arrival order does not. */
  Instant time();

  /** The CloudEvents {@code type}, for example {@code job.started}. */
  String type();

  /** The same event folded at another time (a clock-skewed event bounded by {@link ClockSkew}). */
  Event withTime(Instant time);
}
