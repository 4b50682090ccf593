package io.jobwatch.it;

import java.time.Instant;
import java.util.UUID;

/** Builds CloudEvents JSON records as publishers send them. Stateless. */
final class Envelopes {
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
}
