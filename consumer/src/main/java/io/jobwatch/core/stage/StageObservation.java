package io.jobwatch.core.stage;

import io.jobwatch.core.Severity;
import io.jobwatch.core.StageEvent;
import java.time.Instant;

/**
 * One outcome of one stage: a success, or an error with its class. Comes from the error topic or is
 * inferred from lifecycle evidence. Immutable and thread-safe.
 *
 * @param explicitSeverity the severity the publisher set, which wins over classification; null if
 *     none
 */
public record StageObservation(
    String eventId,
    Instant time,
    StageKey key,
    boolean ok,
    String errorClass,
    String message,
    String jobId,
    Severity explicitSeverity) {

  public static StageObservation ok(String eventId, Instant time, StageKey key) {
    return new StageObservation(eventId, time, key, true, null, null, null, null);
  }

  public static StageObservation error(
      String eventId,
      Instant time,
      StageKey key,
      String errorClass,
      String message,
      String jobId,
      Severity explicitSeverity) {
    return new StageObservation(
        eventId, time, key, false, errorClass, message, jobId, explicitSeverity);
  }

  /** The observation a stage report on the error topic makes. */
  public static StageObservation of(StageEvent event) {
    if (event.report() instanceof StageReport.Error error) {
      return error(
          event.id(),
          event.time(),
          event.key(),
          error.errorClass(),
          error.message(),
          error.jobId(),
          error.severity());
    }
    return ok(event.id(), event.time(), event.key());
  }
}
