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
   */
  public record Mark(String eventId, Instant time, Severity severity, boolean thresholded) {
    public boolean ok() {
      return severity == Severity.OK;
    }
  }
}
