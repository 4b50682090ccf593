package io.jobwatch.core.stage;

import io.jobwatch.core.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately simple stage fold written from the severity rules in the brief and
 * docs/operators.md, not from StageFold: no window, every observation sorted by time (then id),
 * then a plain state machine. Property tests compare it with the windowed real fold. Not thread-
 * safe.
 */
public final class ReferenceStageFold {

  /** What the rules decide about a stage. */
  public record Outcome(
      Severity severity,
      Instant since,
      int consecutiveErrors,
      long okCount,
      long errorCount,
      Instant lastOkAt) {}

  private ReferenceStageFold() {}

  public static Outcome fold(List<StageObservation> observations, StagePolicy policy) {
    Map<String, StageObservation> unique = new LinkedHashMap<>();
    observations.forEach(observation -> unique.putIfAbsent(observation.eventId(), observation));
    List<StageObservation> sorted = new ArrayList<>(unique.values());
    sorted.sort(
        Comparator.comparing(StageObservation::time).thenComparing(StageObservation::eventId));

    Severity severity = null;
    Instant since = null;
    Severity runWorst = null;
    Instant runSince = null;
    int errorsInRow = 0;
    int oksInRow = 0;
    long okCount = 0;
    long errorCount = 0;
    Instant lastOkAt = null;
    for (StageObservation observation : sorted) {
      Instant time = observation.time();
      if (observation.ok()) {
        okCount++;
        lastOkAt = time;
        oksInRow++;
        errorsInRow = 0;
        if (severity == null) {
          severity = Severity.OK;
          since = time;
        } else if (severity != Severity.OK && oksInRow == policy.recoveryThreshold()) {
          // Rule: M successes in a row bring the stage back to ok, since the M-th.
          severity = Severity.OK;
          since = time;
        }
        continue;
      }
      errorCount++;
      if (runWorst == null || oksInRow > 0) {
        // Rule: a success ends a run of errors; the next error starts a new run.
        runWorst = Severity.OK;
        runSince = null;
        errorsInRow = 0;
      }
      oksInRow = 0;
      errorsInRow++;
      Severity own = ownSeverity(observation, errorsInRow, policy);
      if (own.compareTo(runWorst) > 0) {
        // Rule: a run shows its worst error, since the first error that reached it.
        runWorst = own;
        runSince = time;
      }
      severity = runWorst;
      since = runSince;
    }
    return new Outcome(severity, since, errorsInRow, okCount, errorCount, lastOkAt);
  }

  /**
   * Rule: an explicit severity wins; an error of the error family shows warning until N of them
   * come in a row; anything else is what the classifier says (fatal).
   */
  private static Severity ownSeverity(
      StageObservation observation, int errorsInRow, StagePolicy policy) {
    if (observation.explicitSeverity() != null) {
      return observation.explicitSeverity();
    }
    Severity classified = policy.classifier().classify(observation.errorClass());
    if (classified == Severity.ERROR) {
      return errorsInRow >= policy.errorThreshold() ? Severity.ERROR : Severity.WARNING;
    }
    return classified;
  }
}
