package io.jobwatch.contract;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads optional members of a schema-valid JSON object; a missing or null member is null (the
 * contract: an optional member whose value is null is the same as one left out).
 */
final class Fields {
  private Fields() {}

  /** The member's value, or null when it is missing or JSON null. */
  static JsonNode present(JsonNode object, String name) {
    JsonNode value = object.get(name);
    return value == null || value.isNull() ? null : value;
  }

  static String text(JsonNode object, String name) {
    JsonNode value = object.get(name);
    return value == null || value.isNull() ? null : value.asText();
  }

  static Integer integer(JsonNode object, String name) {
    JsonNode value = object.get(name);
    return value == null || value.isNull() ? null : value.intValue();
  }

  static Long count(JsonNode object, String name) {
    JsonNode value = object.get(name);
    return value == null || value.isNull() ? null : value.longValue();
  }

  static boolean flag(JsonNode object, String name) {
    JsonNode value = object.get(name);
    return value != null && value.booleanValue();
  }
}
