package io.jobwatch.store;

import java.util.Arrays;
import java.util.List;

/**
 * A record that could not be accepted, with the reason, its original key and headers. A value
 * larger than the cap is stored truncated, flagged, with its original size. Immutable apart from
 * the arrays, which are not copied.
 *
 * @param key the record key as published (null when it had none)
 * @param value the stored value: the record value, truncated when {@code truncated}
 * @param truncated whether {@code value} holds only the first bytes of the record value
 * @param originalBytes the size of the record value before truncation, null for a null value
 */
public record DeadLetter(
    String topic,
    int partition,
    long offset,
    byte[] key,
    byte[] value,
    String reason,
    List<Header> headers,
    boolean truncated,
    Integer originalBytes) {

  /** The default cap on a stored value, 1 MiB. */
  public static final int DEFAULT_MAX_BYTES = 1 << 20;

  /** One Kafka header as published; {@code value} may be null. */
  public record Header(String key, byte[] value) {}

  public DeadLetter {
    headers = headers == null ? List.of() : List.copyOf(headers);
  }

  /** A dead letter whose value is cut to {@code maxBytes} when larger, flagged, never silently. */
  public static DeadLetter capped(
      String topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      String reason,
      List<Header> headers,
      int maxBytes) {
    if (value == null) {
      return new DeadLetter(topic, partition, offset, key, null, reason, headers, false, null);
    }
    boolean truncated = value.length > maxBytes;
    byte[] stored = truncated ? Arrays.copyOf(value, Math.max(0, maxBytes)) : value;
    return new DeadLetter(
        topic, partition, offset, key, stored, reason, headers, truncated, value.length);
  }
}
