package io.jobwatch.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/** Builds the CloudEvents JSON the simulated publishers send. Thread-safe. */
final class DemoEvents {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private DemoEvents() {}

  static ObjectNode data() {
    return MAPPER.createObjectNode();
  }

  /** The envelope as text, with a fresh id and the given event time. */
  static String envelope(String source, String type, Instant time, ObjectNode data) {
    ObjectNode envelope = MAPPER.createObjectNode();
    envelope.put("specversion", "1.0");
    envelope.put("id", UUID.randomUUID().toString());
    envelope.put("source", source);
    envelope.put("type", type);
    envelope.put("time", time.toString());
    envelope.put("datacontenttype", "application/json");
    envelope.set("data", data);
    return envelope.toString();
  }
}
