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
    return value == null || value.isNull() ? null : (int) whole(value);
  }

  static Long count(JsonNode object, String name) {
    JsonNode value = object.get(name);
    return value == null || value.isNull() ? null : whole(value);
  }

  /**
   * A schema-valid integer as the streaming decoder reads it: a number written with a fraction
   * ({@code 1.0}, or {@code 0.99999999999999999}, which is 1 as a double) is the double's whole
   * value, also when read exactly as a {@link java.math.BigDecimal} (which would truncate to 0).
   */
  static long whole(JsonNode value) {
    return value.isIntegralNumber() ? value.longValue() : (long) value.doubleValue();
  }

  static boolean flag(JsonNode object, String name) {
    JsonNode value = object.get(name);
    return value != null && value.booleanValue();
  }
}
