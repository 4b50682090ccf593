package io.jobwatch.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The few envelope fields the simple contenders read, without validation. Immutable.
 *
 * @param json the record value as text
 */
record EventFields(String id, String type, Instant time, String jobId, JsonNode data, String json) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The fields, or null when the value is not a JSON object with id, type and time. */
  static EventFields parse(byte[] value) {
    if (value == null) {
      return null;
    }
    try {
      JsonNode root = MAPPER.readTree(value);
      if (root == null || !root.isObject()) {
        return null;
      }
      JsonNode data = root.path("data");
      String id = root.path("id").asText(null);
      String type = root.path("type").asText(null);
      String time = root.path("time").asText(null);
      if (id == null || type == null || time == null || !data.isObject()) {
        return null;
      }
      return new EventFields(
          id,
          type,
          OffsetDateTime.parse(time).toInstant(),
          data.path("job_id").asText(null),
          data,
          new String(value, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException | DateTimeParseException e) {
      return null;
    }
  }

  String text(String field) {
    return data.path(field).asText(null);
  }
}
