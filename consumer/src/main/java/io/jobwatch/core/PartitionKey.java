package io.jobwatch.core;

/**
 * The record key an event must be published with, which keeps everything about one job, monitor or
 * service on one partition: lifecycle events by {@code job_id}, monitor events by {@code monitor},
 * stage events by {@code service}. Immutable and thread-safe.
 *
 * @param field the contract's name of the field the key must equal
 * @param value the value the key must hold
 */
public record PartitionKey(String field, String value) {

  /** The key {@code event} must have been published with. */
  public static PartitionKey of(Event event) {
    if (event instanceof JobEvent jobEvent) {
      return new PartitionKey("job_id", jobEvent.jobId());
    } else if (event instanceof MonitorEvent monitorEvent) {
      return new PartitionKey("monitor", monitorEvent.monitor());
    } else if (event instanceof StageEvent stageEvent) {
      return new PartitionKey("service", stageEvent.key().service());
    }
    throw new IllegalStateException("unknown event " + event.getClass().getName());
  }

  /** Whether a key received as text matches; a null key never does. */
  public boolean matches(String key) {
    return value.equals(key);
  }

  /** The dead-letter reason for a record keyed {@code actual} (null when it had no key). */
  public String mismatch(String actual) {
    return "record key must be the event's "
        + field
        + " \""
        + value
        + "\", but it is "
        + (actual == null ? "null (no key)" : "\"" + actual + "\"");
  }
}
