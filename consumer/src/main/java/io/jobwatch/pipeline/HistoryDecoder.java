package io.jobwatch.pipeline;

import io.jobwatch.core.Event;
import java.time.Duration;
import java.time.Instant;

/** Turns a stored envelope back into its event, without re-validating it. Thread-safe. */
@FunctionalInterface
public interface HistoryDecoder {
  /** The event as its envelope says, at the time the publisher sent. */
  Event decode(String envelopeJson);

  /**
   * The event as it was folded: at {@code foldedTime} ({@code job_events.event_time}), which
   * differs from the envelope's time when a clock-skewed event was bounded by its record timestamp.
   * The envelope's time is kept when the two agree to the column's precision (PostgreSQL rounds to
   * microseconds), so an event folds at the same instant from the cache and from the database.
   */
  default Event decode(String envelopeJson, Instant foldedTime) {
    Event event = decode(envelopeJson);
    if (foldedTime == null
        || Duration.between(foldedTime, event.time()).abs().compareTo(COLUMN_PRECISION) < 0) {
      return event;
    }
    return event.withTime(foldedTime);
  }

  /** {@code timestamptz} keeps microseconds. */
  Duration COLUMN_PRECISION = Duration.ofNanos(1_000);
}
