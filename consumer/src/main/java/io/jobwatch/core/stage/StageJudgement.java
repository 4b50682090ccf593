package io.jobwatch.core.stage;

import io.jobwatch.core.Severity;
import io.jobwatch.core.monitor.MonitorClock;
import java.time.Instant;
import java.util.List;

/**
 * A stage's severity as of an earlier instant, for the alerting series while a backlog drains
 * (docs/alerts.md, "While a backlog drains"). The record is the fold of everything applied; its
 * errors may have been read before the lifecycle evidence that ends them (the other topic, still in
 * the backlog). As of the judgement instant W a stage shows the severity its current run had
 * reached by W: a run whose severity was reached at or before W stands (a real failure pages), one
 * that began after W shows ok (what the stage was before it), and a record that already shows a
 * recovery later than W shows ok. A record whose window is full, or a W before anything was read,
 * shows its stored severity: the replay cannot tell what the stage read at W. Pure and stateless,
 * safe to call from any thread.
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
    if (at == null || stored == Severity.OK || !at.isAfter(MonitorClock.NOTHING_READ)) {
      // Caught up, or a partition not read at all yet: nothing to judge the record against.
      return stored;
    }
    if (stage.since() != null && !stage.since().isAfter(at)) {
      return stored;
    }
    List<StageHealth.Mark> marks = stage.recent();
    if (marks.size() >= policy.window()) {
      // A full window may have dropped the observations that began the current run (errors
      // before W, then more than a window's worth after it): what the stage read at W is not
      // known, so the stored severity stands rather than a replay that would show ok.
      return stored;
    }
    // Reached after W: replay the window, in time order, up to W; any moment after W at which
    // the replay shows ok is a recovery already read, so the current run began after W.
    int upTo = 0;
    while (upTo < marks.size() && !marks.get(upTo).time().isAfter(at)) {
      upTo++;
    }
    if (upTo == 0) {
      return Severity.OK;
    }
    for (int end = upTo + 1; end <= marks.size(); end++) {
      if (StageFold.severityOf(marks.subList(0, end), policy) == Severity.OK) {
        return Severity.OK;
      }
    }
    Severity atW = StageFold.severityOf(marks.subList(0, upTo), policy);
    return atW.compareTo(stored) > 0 ? stored : atW;
  }
}
