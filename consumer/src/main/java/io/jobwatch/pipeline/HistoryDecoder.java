package io.jobwatch.pipeline;

import io.jobwatch.core.Event;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Turns a stored envelope back into its event, without re-validating it. Thread-safe. */
@FunctionalInterface
public interface HistoryDecoder {
  /** The event as its envelope says, at the time the publisher sent. */
  Event decode(String envelopeJson);

  /**
   * The event as it was folded: at {@code foldedTime} ({@code job_events.event_time}), which
   * differs from the envelope's time when a clock-skewed event was bounded by its record timestamp.
   * The envelope's time is kept when the two agree to the column's microsecond precision.
   */
  default Event decode(String envelopeJson, Instant foldedTime) {
    Event event = decode(envelopeJson);
    if (foldedTime == null || event.time().truncatedTo(ChronoUnit.MICROS).equals(foldedTime)) {
      return event;
    }
    return event.withTime(foldedTime);
  }
}
