package io.jobwatch.kafka;

import io.jobwatch.core.PartitionKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * What a record key that does not match tells its publisher when it is the right id serialised
 * otherwise: JSON-encoded (a JSON serialiser's quotes), a UUID's 16 raw bytes, behind Confluent
 * Schema Registry framing (a byte 0 and a 4-byte schema id), or the id with white space or a line
 * terminator around it (a shell's newline, a Windows script's CR). Stateless.
 */
final class KeyHint {
  private KeyHint() {}

  /** The hint to append to the mismatch reason, with a leading space; empty when there is none. */
  static String of(PartitionKey expected, String keyText, byte[] key) {
    if (key == null) {
      return "";
    }
    String id = expected.value();
    if (Arrays.equals(key, uuidBytes(id))) {
      // Checked on the bytes: now and then a UUID's 16 bytes happen to be valid UTF-8 too.
      return " (the " + expected.field() + " as a UUID's 16 raw bytes: send its 36-character text)";
    }
    if (key.length > 5 && key[0] == 0 && key[1] == 0) {
      String framed = new String(key, 5, key.length - 5, StandardCharsets.UTF_8);
      if (framed.equals(id) || framed.equals("\"" + escaped(id) + "\"")) {
        return " (the "
            + expected.field()
            + " behind Confluent Schema Registry framing: serialise the key with a string"
            + " serialiser, not a Schema Registry one)";
      }
    }
    if (keyText == null) {
      return "";
    }
    if (keyText.equals("\"" + escaped(id) + "\"")) {
      return " (the "
          + expected.field()
          + " JSON-encoded, quotes included: send it as plain UTF-8 text, e.g. with a string"
          + " serialiser)";
    }
    if (!keyText.equals(id) && keyText.strip().equals(id)) {
      return " (the "
          + expected.field()
          + " with white space or a line terminator around it: a trailing newline or a Windows"
          + " CR; strip it)";
    }
    if (keyText.isEmpty()) {
      return " (an empty key)";
    }
    return "";
  }

  /** {@code text} with quotes, backslashes and control characters escaped as in JSON. */
  static String escaped(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> escaped.append("\\\"");
        case '\\' -> escaped.append("\\\\");
        case '\n' -> escaped.append("\\n");
        case '\r' -> escaped.append("\\r");
        case '\t' -> escaped.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            escaped.append(String.format("\\u%04x", (int) c));
          } else {
            escaped.append(c);
          }
        }
      }
    }
    return escaped.toString();
  }

  /** The 16 bytes of {@code id} if it is a UUID, else null. */
  private static byte[] uuidBytes(String id) {
    if (id.length() != 36) {
      return null;
    }
    try {
      UUID uuid = UUID.fromString(id);
      return ByteBuffer.allocate(16)
          .putLong(uuid.getMostSignificantBits())
          .putLong(uuid.getLeastSignificantBits())
          .array();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
