package io.jobwatch.core.stage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How a job's stage evidence changed between two folds of its history (before and after a batch
 * added events): observations to add, and observations to withdraw because the event that proved
 * them no longer applies, or now proves something else. Immutable and thread-safe.
 */
public record EvidenceChange(List<StageObservation> added, List<StageObservation> withdrawn) {

  public EvidenceChange {
    added = List.copyOf(added);
    withdrawn = List.copyOf(withdrawn);
  }

  /** The change from {@code before} (null or empty for a new job) to {@code after}. */
  public static EvidenceChange between(
      List<StageObservation> before, List<StageObservation> after) {
    Set<StageObservation> old = before == null ? Set.of() : new HashSet<>(before);
    Set<StageObservation> now = new HashSet<>(after);
    List<StageObservation> added = new ArrayList<>();
    for (StageObservation observation : after) {
      if (!old.contains(observation)) {
        added.add(observation);
      }
    }
    List<StageObservation> withdrawn = new ArrayList<>();
    if (before != null) {
      for (StageObservation observation : before) {
        if (!now.contains(observation)) {
          withdrawn.add(observation);
        }
      }
    }
    return new EvidenceChange(added, withdrawn);
  }

  public boolean isEmpty() {
    return added.isEmpty() && withdrawn.isEmpty();
  }
}
