package io.jobwatch.core.stage;

import io.jobwatch.core.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Folds stage observations into a stage's health record. Severity is decided from the latest
 * observations by event time (a bounded window), so reports that arrive late or re-ordered within
 * the window give the same record. A stage's observations never touch another stage. Stateless and
 * thread-safe.
 */
public final class StageFold {

  private static final Comparator<StageHealth.Mark> MARK_ORDER =
      Comparator.comparing(StageHealth.Mark::time).thenComparing(StageHealth.Mark::eventId);

  private StageFold() {}

  /**
   * Applies observations of one stage to its record ({@code current} may be null for a new stage).
   * Observations already in the window are skipped.
   */
  public static StageHealth apply(
      StageHealth current, StageKey key, List<StageObservation> observations, StagePolicy policy) {
    return apply(current, key, observations, List.of(), policy);
  }

  /**
   * Withdraws {@code withdrawn}, observations applied to this record before, then applies {@code
   * observations}. A withdrawn observation leaves the counts, and the window if it is still in it.
   * An event may be withdrawn and observed again in one call, which replaces its observation (a
   * {@code job.started} whose attempt then exits 127 proves a start error, not a success).
   */
  public static StageHealth apply(
      StageHealth current,
      StageKey key,
      List<StageObservation> observations,
      Collection<StageObservation> withdrawn,
      StagePolicy policy) {
    List<StageObservation> ordered = new ArrayList<>(observations);
    ordered.sort(
        Comparator.comparing(StageObservation::time).thenComparing(StageObservation::eventId));
    List<StageHealth.Mark> marks = new ArrayList<>(current == null ? List.of() : current.recent());
    Counters counters = Counters.of(current);
    Instant lastWithdrawn = null;
    Set<String> withdrawnIds = new HashSet<>();
    for (StageObservation observation : withdrawn) {
      if (!key.equals(observation.key())) {
        throw new IllegalArgumentException(
            "withdrawn observation " + observation.eventId() + " is not for stage " + key);
      }
      withdrawnIds.add(observation.eventId());
      if (lastWithdrawn == null || observation.time().isAfter(lastWithdrawn)) {
        lastWithdrawn = observation.time();
      }
    }
    // A withdrawn observation still in the window may be what the record's severity rests on; one
    // that has left the window is history, and the record still holds.
    boolean windowWithdrawn = marks.removeIf(mark -> withdrawnIds.contains(mark.eventId()));
    // The error classes may have been configured otherwise since the window's marks were judged
    // (an operator listed a class that paged as fatal): the record then rests on old verdicts.
    boolean reclassified = false;
    for (int i = 0; i < marks.size(); i++) {
      StageHealth.Mark now = marks.get(i).classifiedBy(policy.classifier());
      if (now != marks.get(i)) {
        marks.set(i, now);
        reclassified = true;
      }
    }
    for (StageObservation observation : withdrawn) {
      counters.uncount(observation, marks);
    }
    Set<String> seen = new HashSet<>();
    marks.forEach(mark -> seen.add(mark.eventId()));
    // The marks this call pushed out of the front of the window, oldest first.
    List<StageHealth.Mark> evicted = new ArrayList<>();
    for (StageObservation observation : ordered) {
      if (!key.equals(observation.key())) {
        throw new IllegalArgumentException(
            "observation " + observation.eventId() + " is not for stage " + key);
      }
      if (!seen.add(observation.eventId())) {
        continue;
      }
      counters.count(observation);
      StageHealth.Mark mark = mark(observation, policy.classifier());
      boolean olderThanWindow =
          marks.size() >= policy.window() && MARK_ORDER.compare(mark, marks.get(0)) < 0;
      if (!olderThanWindow) {
        int at = insertionPoint(marks, mark);
        marks.add(at, mark);
        if (marks.size() > policy.window()) {
          evicted.add(marks.remove(0));
        }
      }
    }
    Verdict verdict =
        marks.isEmpty()
            ? new Verdict(Severity.OK, emptiedSince(current, lastWithdrawn), 0)
            : judge(marks, policy, windowWithdrawn || reclassified ? null : current, evicted);
    return new StageHealth(
        key,
        verdict.severity,
        verdict.since,
        counters.lastErrorClass,
        counters.lastErrorMessage,
        counters.lastErrorAt,
        counters.lastErrorJobId,
        counters.lastOkAt,
        verdict.consecutiveErrors,
        counters.errorCount,
        counters.okCount,
        marks);
  }

  /**
   * The severity {@code marks} (in time order, as a window keeps them) show on their own, without
   * what a record knew before them: what the stage was after the last of them.
   */
  static Severity severityOf(List<StageHealth.Mark> marks, StagePolicy policy) {
    return marks.isEmpty() ? Severity.OK : judge(marks, policy, null, List.of()).severity;
  }

  /** Every observation was withdrawn: ok, since it was ok, or since the latest withdrawn one. */
  private static Instant emptiedSince(StageHealth current, Instant lastWithdrawn) {
    if (current == null) {
      return lastWithdrawn;
    }
    return current.severity() == Severity.OK ? current.since() : lastWithdrawn;
  }

  private static StageHealth.Mark mark(StageObservation observation, ErrorClassifier classifier) {
    if (observation.ok()) {
      return new StageHealth.Mark(observation.eventId(), observation.time(), Severity.OK, false);
    }
    if (observation.explicitSeverity() != null) {
      return new StageHealth.Mark(
          observation.eventId(), observation.time(), observation.explicitSeverity(), false);
    }
    Severity classified = classifier.classify(observation.errorClass());
    return new StageHealth.Mark(
        observation.eventId(),
        observation.time(),
        classified,
        classified == Severity.ERROR,
        observation.errorClass());
  }

  private static int insertionPoint(List<StageHealth.Mark> marks, StageHealth.Mark mark) {
    int at = marks.size();
    while (at > 0 && MARK_ORDER.compare(marks.get(at - 1), mark) > 0) {
      at--;
    }
    return at;
  }

  private record Verdict(Severity severity, Instant since, int consecutiveErrors) {}

  /**
   * Reads the severity off the tail of the window: the latest recovery (M successes in a row) or
   * the run of errors since the last one. Fewer than M successes inside a run of errors neither end
   * it nor count. {@code record} is the record before this call, or null when it cannot be trusted
   * (an observation in its window was withdrawn, so what it said may rest on it).
   */
  private static Verdict judge(
      List<StageHealth.Mark> marks,
      StagePolicy policy,
      StageHealth record,
      List<StageHealth.Mark> evicted) {
    // A record without observations in its window (new, or emptied by withdrawals) says nothing.
    StageHealth previous = record == null || record.recent().isEmpty() ? null : record;
    Severity previousSeverity = previous == null ? null : previous.severity();
    Instant previousSince = previous == null ? null : previous.since();
    int recovery = policy.recoveryThreshold();
    int last = marks.size() - 1;
    int okRun = 0;
    while (last - okRun >= 0 && marks.get(last - okRun).ok()) {
      okRun++;
    }
    if (okRun == marks.size()) {
      // No error in the window: ok since the first ok seen if the stage never failed; since the
      // recovery if it did and the errors have left the window (kept from the record when it was
      // ok already, as the successes before the recovery may still be in the window).
      Instant since;
      if (previousSeverity == null) {
        since = marks.get(0).time();
      } else if (previousSeverity == Severity.OK) {
        since =
            previous.errorCount() == 0
                ? earliest(previousSince, marks.get(0).time())
                : previousSince;
      } else {
        since = marks.get(Math.min(recovery, okRun) - 1).time();
      }
      return new Verdict(Severity.OK, since, 0);
    }
    if (okRun >= recovery) {
      Instant recoveredAt = marks.get(last - okRun + recovery).time();
      return new Verdict(Severity.OK, recoveredAt, 0);
    }
    // The run, read over what this call evicted followed by the window (all in time order), goes
    // back to the latest recovery; it "reaches the front" when no recovery lies in either.
    List<StageHealth.Mark> seen = marks;
    if (!evicted.isEmpty()) {
      seen = new ArrayList<>(evicted);
      seen.addAll(marks);
    }
    int runEnd = seen.size() - 1 - okRun;
    int runStart = runEnd;
    boolean reachesFront;
    while (true) {
      int before = runStart - 1;
      int successes = 0;
      while (before >= 0 && seen.get(before).ok()) {
        successes++;
        before--;
      }
      if (successes >= recovery) {
        reachesFront = false;
        break;
      }
      if (before < 0) {
        reachesFront = true;
        break;
      }
      runStart = before;
    }
    Severity severity = Severity.OK;
    Instant since = null;
    int inRun = 0;
    for (StageHealth.Mark mark : seen.subList(runStart, runEnd + 1)) {
      if (mark.ok()) {
        continue;
      }
      inRun++;
      Severity own =
          mark.thresholded()
              ? (inRun >= policy.errorThreshold() ? Severity.ERROR : Severity.WARNING)
              : mark.severity();
      if (own.compareTo(severity) > 0) {
        severity = own;
        since = mark.time();
      }
    }
    // The record's run may have begun before the start of a full window: what that run reached
    // before its start left the window still holds (a fatal does not decay into error).
    boolean runBeganBeforeWindow =
        reachesFront
            && previous != null
            && previousSeverity != Severity.OK
            && marks.size() >= policy.window()
            && continuesRun(seen, runEnd, lastErrorId(previous.recent()));
    if (runBeganBeforeWindow && previousSeverity.compareTo(severity) > 0 && previousSince != null) {
      severity = previousSeverity;
      since = previousSince;
    } else if (reachesFront && severity == previousSeverity && previousSince != null) {
      since = previousSince.isBefore(since) ? previousSince : since;
    }
    // The run's errors are counted within the window, which bounds them.
    int windowStart = evicted.size();
    int errorsInWindow = 0;
    for (int i = Math.max(runStart, windowStart); i <= runEnd; i++) {
      if (!seen.get(i).ok()) {
        errorsInWindow++;
      }
    }
    return new Verdict(severity, since, errorsInWindow);
  }

  /**
   * Whether the run that reaches the front of {@code seen}, up to {@code runEnd}, is the run the
   * previous record ended with: that run's last error is in it.
   */
  private static boolean continuesRun(
      List<StageHealth.Mark> seen, int runEnd, String previousRunEnd) {
    if (previousRunEnd == null) {
      return false;
    }
    for (int i = 0; i <= runEnd; i++) {
      if (seen.get(i).eventId().equals(previousRunEnd)) {
        return true;
      }
    }
    return false;
  }

  private static String lastErrorId(List<StageHealth.Mark> marks) {
    for (int i = marks.size() - 1; i >= 0; i--) {
      if (!marks.get(i).ok()) {
        return marks.get(i).eventId();
      }
    }
    return null;
  }

  private static Instant earliest(Instant first, Instant second) {
    return first == null || second.isBefore(first) ? second : first;
  }

  /** Totals and latest-by-time fields, which do not depend on the order of observations. */
  private static final class Counters {
    private static final Duration ONE_MICRO = Duration.ofNanos(1_000);

    private String lastErrorClass;
    private String lastErrorMessage;
    private Instant lastErrorAt;
    private String lastErrorJobId;
    private Instant lastOkAt;
    private long errorCount;
    private long okCount;

    static Counters of(StageHealth current) {
      Counters counters = new Counters();
      if (current != null) {
        counters.lastErrorClass = current.lastErrorClass();
        counters.lastErrorMessage = current.lastErrorMessage();
        counters.lastErrorAt = current.lastErrorAt();
        counters.lastErrorJobId = current.lastErrorJobId();
        counters.lastOkAt = current.lastOkAt();
        counters.errorCount = current.errorCount();
        counters.okCount = current.okCount();
      }
      return counters;
    }

    /**
     * Takes a withdrawn mark out of the totals. The last success moves back to the latest one left
     * in the window (or none); the last error's fields stay, as the window keeps no messages.
     */
    void uncount(StageObservation withdrawn, List<StageHealth.Mark> remaining) {
      if (withdrawn.ok()) {
        okCount = Math.max(0, okCount - 1);
        if (isStoredAs(withdrawn.time(), lastOkAt)) {
          lastOkAt =
              remaining.stream()
                  .filter(StageHealth.Mark::ok)
                  .map(StageHealth.Mark::time)
                  .max(Comparator.naturalOrder())
                  .orElse(null);
        }
      } else {
        errorCount = Math.max(0, errorCount - 1);
      }
    }

    /**
     * Whether {@code stored}, a time read back from the database, is {@code time}: PostgreSQL keeps
     * microseconds, so a time in nanoseconds (Go's RFC3339Nano, or evidence moved 1 ns after an
     * earlier attempt's) comes back rounded to the nearest microsecond.
     */
    private static boolean isStoredAs(Instant time, Instant stored) {
      return stored != null && Duration.between(time, stored).abs().compareTo(ONE_MICRO) < 0;
    }

    void count(StageObservation observation) {
      if (observation.ok()) {
        okCount++;
        if (lastOkAt == null || observation.time().isAfter(lastOkAt)) {
          lastOkAt = observation.time();
        }
        return;
      }
      errorCount++;
      if (lastErrorAt == null || isLater(observation, lastErrorAt)) {
        lastErrorAt = observation.time();
        lastErrorClass = observation.errorClass();
        lastErrorMessage = observation.message();
        lastErrorJobId = observation.jobId();
      }
    }

    /** Later by time; errors of the same instant are ordered by class, then message. */
    private boolean isLater(StageObservation observation, Instant at) {
      int byTime = observation.time().compareTo(at);
      if (byTime != 0) {
        return byTime > 0;
      }
      int byClass = compare(observation.errorClass(), lastErrorClass);
      return byClass != 0 ? byClass > 0 : compare(observation.message(), lastErrorMessage) > 0;
    }

    private static int compare(String first, String second) {
      return java.util.Comparator.nullsFirst(java.util.Comparator.<String>naturalOrder())
          .compare(first, second);
    }
  }
}
