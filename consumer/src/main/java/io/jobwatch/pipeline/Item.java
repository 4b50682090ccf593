package io.jobwatch.pipeline;

import io.jobwatch.core.Event;

/** One consumed record after decoding: an accepted event, or a rejected record with the reason. */
public sealed interface Item {
  String topic();

  int partition();

  long offset();

  /** The record's key, timestamp and headers as Kafka delivered them. */
  RecordMeta meta();

  /**
   * A record that decoded into an event; {@code envelopeJson} is stored as the event's history. The
   * event's time may have been bounded by the record timestamp (clock skew); the envelope keeps the
   * time the publisher sent.
   */
  record Valid(
      String topic,
      int partition,
      long offset,
      Event event,
      String source,
      String envelopeJson,
      RecordMeta meta)
      implements Item {}

  /**
   * A record that goes to the dead-letter table; the byte arrays are not copied. The original key
   * is {@code meta.key()}; {@code key} is kept for callers that have no meta.
   */
  record Invalid(
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      String reason,
      RecordMeta meta)
      implements Item {}
}
