package io.jobwatch.contract;

import io.jobwatch.core.Event;
import java.util.Objects;

/** The outcome of decoding one record value. Immutable and safe to share between threads. */
public sealed interface Decoded {
  /**
   * The record is a valid event of a known type; {@code json} is the record as text, kept as the
   * event's history.
   */
  record Accepted(Event event, String source, String json) implements Decoded {
    public Accepted {
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(json, "json");
    }

    /** The CloudEvents type as it was sent, for example {@code job.started}. */
    public String type() {
      return event.type();
    }
  }

  /**
   * The record is not a valid event; {@code reason} names the failing field first, for example
   * {@code $.data.exit_code: must have a maximum value of 255}.
   */
  record Rejected(String reason) implements Decoded {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
