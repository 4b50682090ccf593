package io.jobwatch.pipeline;

import io.jobwatch.core.Event;

/** One consumed record after decoding: an accepted event, or a rejected record with the reason. */
public sealed interface Item {
  String topic();

  int partition();

  long offset();

  /** A record that decoded into an event; {@code envelopeJson} is stored as the event's history. */
  record Valid(
      String topic, int partition, long offset, Event event, String source, String envelopeJson)
      implements Item {}

  /** A record that goes to the dead-letter table; the byte arrays are not copied. */
  record Invalid(String topic, int partition, long offset, byte[] key, byte[] value, String reason)
      implements Item {}
}
