package io.jobwatch.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Builds CloudEvents JSON records as publishers send them. Stateless. */
final class Envelopes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Envelopes() {}

  static String event(String id, String type, Instant time, String dataJson) {
    return "{\"specversion\":\"1.0\",\"id\":\""
        + id
        + "\",\"source\":\"/it\",\"type\":\""
        + type
        + "\",\"time\":\""
        + time
        + "\",\"datacontenttype\":\"application/json\",\"data\":"
        + dataJson
        + "}";
  }

  static String event(String type, Instant time, String dataJson) {
    return event(UUID.randomUUID().toString(), type, time, dataJson);
  }

  /** A {@code data} object from alternating names and values (strings, numbers, maps, lists). */
  static Map<String, Object> data(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("data needs pairs of name and value");
    }
    Map<String, Object> data = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      data.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return data;
  }

  /** One {@code depends_on} entry; no accepted states means the default. */
  static Map<String, Object> dependency(String jobId, String... accept) {
    return accept.length == 0
        ? data("job_id", jobId)
        : data("job_id", jobId, "accept", List.of(accept));
  }

  /** The {@code data} of a monitor.declared: team ops, expected every hour, 5 minutes' grace. */
  static Map<String, Object> hourlyMonitor(String monitor) {
    return data(
        "monitor", monitor, "team", "ops", "schedule", data("every", "PT1H"), "grace", "PT5M");
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value + " as JSON", e);
    }
  }
}
