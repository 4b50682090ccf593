package io.jobwatch.pipeline;

import java.time.Instant;
import java.util.List;

/**
 * What Kafka said about a record besides its value: the key as sent, the record timestamp and the
 * headers. Kept so that a dead letter can be replayed as it was published. Immutable apart from the
 * arrays, which are not copied; safe to share between threads when they are not modified.
 *
 * @param key the record key as sent, null when the publisher sent none
 * @param timestamp the Kafka record timestamp, null when the record had none
 */
public record RecordMeta(byte[] key, Instant timestamp, List<RecordHeader> headers) {
  /** No key, no timestamp, no headers: for items that were not read from Kafka. */
  public static final RecordMeta NONE = new RecordMeta(null, null, List.of());

  public RecordMeta {
    headers = headers == null ? List.of() : List.copyOf(headers);
  }
}
