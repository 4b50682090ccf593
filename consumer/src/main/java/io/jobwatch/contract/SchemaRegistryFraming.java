package io.jobwatch.contract;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The Confluent Schema Registry wire format: a magic byte 0 and the schema id (4 bytes, big-endian)
 * before the payload, what {@code KafkaJsonSchemaSerializer} (and every Schema Registry serializer)
 * writes. JSON text never starts with a NUL byte, UTF-16 JSON never with two, and UTF-32 JSON has a
 * NUL where the payload starts, so such a value is told from a plain one by its first two bytes
 * (schema ids below 2^24, every registry's in practice) and a payload that does not start with NUL.
 * The schema id is not looked up: the payload is held to jobwatch's own contract. Stateless; safe
 * to share between threads.
 */
final class SchemaRegistryFraming {
  private static final int LENGTH = 5;

  private SchemaRegistryFraming() {}

  /** Whether the value starts with the framing. */
  static boolean isFramed(byte[] value) {
    return value != null
        && value.length > LENGTH
        && value[0] == 0
        && value[1] == 0
        && value[LENGTH] != 0;
  }

  /** The value after the framing. */
  static byte[] payload(byte[] value) {
    return Arrays.copyOfRange(value, LENGTH, value.length);
  }

  /** A rejection of the payload, saying that it came behind the framing and with which id. */
  static Decoded named(byte[] value, Decoded decoded) {
    if (decoded instanceof Decoded.Rejected rejected) {
      return new Decoded.Rejected(
          "record value has Confluent Schema Registry framing (schema id "
              + ByteBuffer.wrap(value, 1, 4).getInt()
              + "): after it, "
              + rejected.reason());
    }
    return decoded;
  }
}
