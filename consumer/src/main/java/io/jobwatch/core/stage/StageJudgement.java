package io.jobwatch.core.stage;

import io.jobwatch.core.Severity;
import java.time.Instant;
import java.util.List;

/**
 * A stage's severity as of an earlier instant, for the alerting series while a backlog drains
 * (docs/alerts.md, "While a backlog drains"). The record is the fold of everything applied; its
 * errors may have been read before the lifecycle evidence that ends them (the other topic, still in
 * the backlog). As of the judgement instant W a stage shows the severity its current run had
 * reached by W: a run whose severity was reached at or before W stands (a real failure pages), one
 * that began after W shows ok (what the stage was before it), and a record that already shows a
 * recovery later than W shows ok. A W before anything was read shows the stored severity, and so
 * does a record whose full window holds no recovery (M successes in a row) at or before W: the
 * marks that began its run may be gone, so the replay cannot tell what the stage read at W. Pure
 * and stateless, safe to call from any thread.
 */
public final class StageJudgement {
  private StageJudgement() {}

  /**
   * The severity of {@code stage} as of {@code at}; its stored severity when {@code at} is null
   * (every partition is caught up: the wall clock) or when it reached that severity at or before
   * {@code at}. Never worse than the stored severity.
   */
  public static Severity severityAt(StageHealth stage, Instant at, StagePolicy policy) {
    Severity stored = stage.severity();
    if (at == null || stored == Severity.OK || !at.isAfter(Instant.EPOCH)) {
      // Caught up, or a partition not read at all yet (the monitors' clock then says 1970,
      // MonitorClock.NOTHING_READ): nothing to judge the record against.
      return stored;
    }
    if (stage.since() != null && !stage.since().isAfter(at)) {
      return stored;
    }
    List<StageHealth.Mark> marks = stage.recent();
    int upTo = 0;
    while (upTo < marks.size() && !marks.get(upTo).time().isAfter(at)) {
      upTo++;
    }
    // A full window may have dropped the observations that began a run (errors before W, then a
    // window's worth after it): a replay of its first marks is the stage's state only from a
    // recovery inside the window on (M successes in a row), which no earlier mark can change.
    boolean complete = marks.size() < policy.window();
    // Any moment after W at which the replay shows ok is a recovery already read, so the current
    // run began after W.
    for (int end = upTo + 1; end <= marks.size(); end++) {
      if ((complete || recovers(marks, end, policy))
          && StageFold.severityOf(marks.subList(0, end), policy) == Severity.OK) {
        return Severity.OK;
      }
    }
    if (upTo == 0) {
      // Reached after W with every mark after W: ok before them when they are all there is.
      return complete ? Severity.OK : stored;
    }
    if (!complete && !recovers(marks, upTo, policy)) {
      return stored;
    }
    Severity atW = StageFold.severityOf(marks.subList(0, upTo), policy);
    return atW.compareTo(stored) > 0 ? stored : atW;
  }

  /** Whether the first {@code end} marks hold a recovery: M successes in a row. */
  private static boolean recovers(List<StageHealth.Mark> marks, int end, StagePolicy policy) {
    int inRow = 0;
    for (int i = 0; i < end; i++) {
      inRow = marks.get(i).ok() ? inRow + 1 : 0;
      if (inRow >= policy.recoveryThreshold()) {
        return true;
      }
    }
    return false;
  }
}
