package io.jobwatch.core.stage;

import io.jobwatch.core.Severity;
import java.time.Instant;
import java.util.List;

/**
 * The health record of one (service, runner, stage), as stored in {@code stage_health}. Immutable
 * and thread-safe.
 *
 * @param since when the stage reached its current severity
 * @param recent the latest observations by event time (at most the policy's window), oldest first
 */
public record StageHealth(
    StageKey key,
    Severity severity,
    Instant since,
    String lastErrorClass,
    String lastErrorMessage,
    Instant lastErrorAt,
    String lastErrorJobId,
    Instant lastOkAt,
    int consecutiveErrors,
    long errorCount,
    long okCount,
    List<Mark> recent) {

  public StageHealth {
    recent = List.copyOf(recent);
  }

  /**
   * One observation as the window keeps it: its id, its time and the severity it carries on its
   * own: ok, an explicit severity, or the classified one.
   *
   * @param thresholded true for a classified {@code error}, which shows as {@code warning} until
   *     enough of them come in a row
   * @param errorClass the class the severity was classified from; null for a success, an explicit
   *     severity and marks stored before it was kept (those are never classified again)
   */
  public record Mark(
      String eventId, Instant time, Severity severity, boolean thresholded, String errorClass) {
    public Mark(String eventId, Instant time, Severity severity, boolean thresholded) {
      this(eventId, time, severity, thresholded, null);
    }

    public boolean ok() {
      return severity == Severity.OK;
    }

    /** This mark as {@code classifier} classifies its error class now (itself if it has none). */
    Mark classifiedBy(ErrorClassifier classifier) {
      if (errorClass == null) {
        return this;
      }
      Severity classified = classifier.classify(errorClass);
      boolean byThreshold = classified == Severity.ERROR;
      return classified == severity && byThreshold == thresholded
          ? this
          : new Mark(eventId, time, classified, byThreshold, errorClass);
    }
  }
}
