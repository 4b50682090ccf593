package io.jobwatch.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One generated Kafka record: its topic, key and event; the value is rendered with an event time
 * that the caller chooses (the generated one, or the publish time in paced runs). Immutable.
 *
 * @param lifecycle true for the lifecycle topic, false for the errors topic
 * @param id the CloudEvents id (a duplicate shares it with its original)
 * @param type the CloudEvents type
 * @param time the generated event time
 * @param data the {@code data} object as JSON, or for a record that is not JSON its raw text
 * @param poison true when jobwatch must reject the record
 */
public record WorkloadRecord(
    boolean lifecycle,
    String key,
    String id,
    String type,
    Instant time,
    String data,
    boolean poison,
    boolean duplicate) {

  /** The record value carrying the generated event time. */
  public byte[] value() {
    return value(time);
  }

  /** The record value carrying {@code eventTime} instead of the generated time. */
  public byte[] value(Instant eventTime) {
    if (type == null) {
      return data.getBytes(StandardCharsets.UTF_8);
    }
    String json =
        "{\"specversion\":\"1.0\",\"id\":\""
            + id
            + "\",\"source\":\"/bench/"
            + (lifecycle ? "scheduler" : "runner")
            + "\",\"type\":\""
            + type
            + "\",\"time\":\""
            + eventTime.truncatedTo(ChronoUnit.MILLIS)
            + "\",\"datacontenttype\":\"application/json\",\"data\":"
            + data
            + "}";
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /** A copy published again later, as a retrying publisher would. */
  WorkloadRecord republished() {
    return new WorkloadRecord(lifecycle, key, id, type, time, data, poison, true);
  }
}
