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
      Instant lastOkAt,
      int runErrorsInWindow) {}

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
    int errorsInRun = 0;
    List<Integer> runErrorPositions = new ArrayList<>();
    int oksInRow = 0;
    long okCount = 0;
    long errorCount = 0;
    Instant lastOkAt = null;
    for (int position = 0; position < sorted.size(); position++) {
      StageObservation observation = sorted.get(position);
      Instant time = observation.time();
      if (observation.ok()) {
        okCount++;
        lastOkAt = time;
        oksInRow++;
        if (severity == null) {
          severity = Severity.OK;
          since = time;
        } else if (severity != Severity.OK && oksInRow == policy.recoveryThreshold()) {
          // Rule: M successes in a row bring the stage back to ok, since the M-th; that ends the
          // run of errors. Fewer successes are no recovery: the run goes on.
          severity = Severity.OK;
          since = time;
          errorsInRun = 0;
          runErrorPositions.clear();
        }
        continue;
      }
      errorCount++;
      if (severity == null || severity == Severity.OK) {
        // Rule: the first error after a recovery (or ever) starts a new run.
        runWorst = Severity.OK;
        runSince = null;
        errorsInRun = 0;
        runErrorPositions.clear();
      }
      oksInRow = 0;
      errorsInRun++;
      runErrorPositions.add(position);
      Severity own = ownSeverity(observation, errorsInRun, policy);
      if (own.compareTo(runWorst) > 0) {
        // Rule: a run shows its worst error, since the first error that reached it.
        runWorst = own;
        runSince = time;
      }
      severity = runWorst;
      since = runSince;
    }
    int windowStart = sorted.size() - policy.window();
    int runErrorsInWindow =
        (int) runErrorPositions.stream().filter(position -> position >= windowStart).count();
    return new Outcome(
        severity, since, errorsInRun, okCount, errorCount, lastOkAt, runErrorsInWindow);
  }

  /**
   * Rule: an explicit severity wins; an error of the error family shows warning until the run has N
   * errors; anything else is what the classifier says (fatal).
   */
  private static Severity ownSeverity(
      StageObservation observation, int errorsInRun, StagePolicy policy) {
    if (observation.explicitSeverity() != null) {
      return observation.explicitSeverity();
    }
    Severity classified = policy.classifier().classify(observation.errorClass());
    if (classified == Severity.ERROR) {
      return errorsInRun >= policy.errorThreshold() ? Severity.ERROR : Severity.WARNING;
    }
    return classified;
  }
}
