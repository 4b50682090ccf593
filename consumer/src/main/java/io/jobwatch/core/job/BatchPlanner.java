package io.jobwatch.core.job;

import io.jobwatch.core.Event;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.stage.EvidenceChange;
import io.jobwatch.core.stage.StageObservation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The domain rules of writing a batch, without I/O (issue 13.2): which records are duplicates, how
 * each touched job is folded (incrementally from its stored state, from a snapshot, or from its
 * whole history), which stored outcomes flip, which stage evidence is added or withdrawn and which
 * crash rows a job has. The writer reads what {@link #route} and {@link #tail} ask for and writes
 * the {@link Plan}. Thread-safe (holds configuration only).
 */
public final class BatchPlanner {

  /** A snapshot of a job's fold state is kept every this many events. */
  public static final int SNAPSHOT_EVERY = 1_000;

  private final int snapshotEvery;

  public BatchPlanner() {
    this(SNAPSHOT_EVERY);
  }

  public BatchPlanner(int snapshotEvery) {
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("snapshots need a positive interval");
    }
    this.snapshotEvery = snapshotEvery;
  }

  /** How a job's fold goes on; the metric {@code jobwatch_job_refolds_total} counts refolds. */
  public enum Route {
    /** Every new event follows the stored ones in fold order: fold them onto the stored state. */
    INCREMENTAL,
    /** A new event belongs before stored ones: refold from the latest snapshot before it. */
    SNAPSHOT,
    /**
     * No stored state (a new job, or a database migrated from before fold states), or a new event
     * names an attempt that moves stored events to another attempt: fold the whole history.
     */
    HISTORY
  }

  /** The refolds a batch did, by where they started (the metric's {@code from} tag). */
  public enum Refold {
    SNAPSHOT("snapshot"),
    START("start");

    private final String tag;

    Refold(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  /** A stored event of a job, with whether it is stored as ignored. */
  public record Stored(JobEvent event, boolean ignored) {}

  /**
   * What to read before folding a job on from a snapshot or from the start.
   *
   * @param snapshot the snapshot to resume from; null: fold from the start
   * @param since read the job's stored events at or after this time; null: all of them
   */
  public record Tail(JobFoldState snapshot, Instant since) {
    public static final Tail WHOLE_HISTORY = new Tail(null, null);
  }

  /**
   * One touched job.
   *
   * @param state its stored fold state, null if none is stored
   * @param fresh its events of this batch that are not stored yet (no duplicates)
   * @param tail what was read for a route other than {@link Route#INCREMENTAL}; null otherwise
   * @param stored the stored events {@code tail} asked for
   * @param pruned the job was pruned by retention (it has a tombstone): its events are ignored
   */
  public record JobInput(
      String jobId,
      JobFoldState state,
      List<JobEvent> fresh,
      Tail tail,
      List<Stored> stored,
      boolean pruned) {}

  /** A crashed attempt of a job, with the service its row shows now. */
  public record Crash(String jobId, int attempt, String service, Blame blame) {}

  /**
   * What a batch writes for its jobs.
   *
   * @param rows the folded rows of the touched jobs
   * @param newlySubmitted rows whose {@code job.submitted} applied in this batch, with dependencies
   *     or for a job whose stored fold had some (the submission they came from is displaced): each
   *     job's edges become its row's
   * @param ignored new events to store as ignored (every other new event is applied)
   * @param revived stored events ignored so far that now apply
   * @param superseded stored events applied so far that are now ignored
   * @param evidence stage observations to add
   * @param withdrawn stage observations to withdraw
   * @param crashedJobs jobs whose crash rows are replaced by {@code crashes}
   * @param states the fold state of every folded job, to store and cache
   * @param snapshots snapshots to store (replacing any at the same position)
   * @param dropSnapshotsAfter per job, its stored snapshots after this many events are stale
   * @param priorSuccesses per monitored job among {@code rows}, its latest finished attempt before
   *     the row's when that succeeded ({@link JobFoldState.Memory#priorSuccess})
   */
  public record Plan(
      List<JobRow> rows,
      List<JobRow> newlySubmitted,
      Set<String> ignored,
      Set<String> revived,
      Set<String> superseded,
      List<StageObservation> evidence,
      List<StageObservation> withdrawn,
      Set<String> crashedJobs,
      List<Crash> crashes,
      List<JobFoldState> states,
      List<JobFoldState> snapshots,
      Map<String, Long> dropSnapshotsAfter,
      Map<Refold, Integer> refolds,
      Map<String, JobFoldState.PriorSuccess> priorSuccesses) {}

  /**
   * The positions in {@code arrived} of events to store: the first of each id that is not among
   * {@code storedIds}. Every other position is a duplicate.
   */
  public static Set<Integer> firstNew(List<? extends Event> arrived, Set<String> storedIds) {
    Set<String> seen = new HashSet<>();
    Set<Integer> positions = new HashSet<>();
    for (int i = 0; i < arrived.size(); i++) {
      String id = arrived.get(i).id();
      if (seen.add(id) && !storedIds.contains(id)) {
        positions.add(i);
      }
    }
    return positions;
  }

  /** How job's fold goes on, given its stored state (null if none) and its new events. */
  public static Route route(JobFoldState state, List<JobEvent> fresh) {
    if (state == null) {
      return Route.HISTORY;
    }
    JobFoldState.Position position = state.position();
    Instant lastDerived = position.lastDerivedTime();
    for (JobEvent event : fresh) {
      Integer named = event.change().attemptOrNull();
      // A new highest attempt from a time at or before a stored event whose attempt comes from its
      // time moves that event to the new attempt: only a refold from the start sees that. The
      // lower reading a job.cancelled gets (a requeue of its own instant does not count) decides,
      // so an event naming an attempt that so far only a requeue of that instant named counts too.
      if (named != null
          && named > position.timeline().inForceAtCancel(event.time())
          && lastDerived != null
          && !event.time().isAfter(lastDerived)) {
        return Route.HISTORY;
      }
    }
    AttemptTimeline timeline = position.timeline().with(fresh);
    for (JobEvent event : fresh) {
      if (!FoldKey.of(event, timeline.attemptOf(event)).isAfter(position.last())) {
        return Route.SNAPSHOT;
      }
    }
    return Route.INCREMENTAL;
  }

  /**
   * For a job on {@link Route#SNAPSHOT}: the latest of its {@code snapshots} before its first new
   * event, and the time from which the stored events after that snapshot must be read. Without such
   * a snapshot, the whole history.
   */
  public static Tail tail(JobFoldState state, List<JobEvent> fresh, List<JobFoldState> snapshots) {
    FoldKey first = firstKey(state, fresh);
    JobFoldState best = null;
    for (JobFoldState snapshot : snapshots) {
      if (first.isAfter(snapshot.position().last())
          && snapshot.position().folded() <= state.position().folded()
          && (best == null || snapshot.position().folded() > best.position().folded())) {
        best = snapshot;
      }
    }
    if (best == null) {
      return Tail.WHOLE_HISTORY;
    }
    // Events after the snapshot are of its attempt and at or after its time (or, if it stopped at
    // the requeue that opened its attempt, anywhere in that attempt), or of a later attempt.
    FoldKey at = best.position().last();
    Map<Integer, Instant> starts = state.position().attemptStarts();
    Instant since = at.opens() ? starts.get(at.attempt()) : at.time();
    if (since == null) {
      return Tail.WHOLE_HISTORY;
    }
    for (Map.Entry<Integer, Instant> start : starts.entrySet()) {
      if (start.getKey() > at.attempt() && start.getValue().isBefore(since)) {
        since = start.getValue();
      }
    }
    return new Tail(best, since);
  }

  private static FoldKey firstKey(JobFoldState state, List<JobEvent> fresh) {
    AttemptTimeline timeline = state.position().timeline().with(fresh);
    FoldKey first = null;
    for (JobEvent event : fresh) {
      FoldKey key = FoldKey.of(event, timeline.attemptOf(event));
      if (first == null || first.isAfter(key)) {
        first = key;
      }
    }
    return first;
  }

  /** The plan of a batch's jobs. */
  public Plan plan(List<JobInput> jobs) {
    Builder plan = new Builder();
    for (JobInput job : jobs) {
      if (job.fresh().isEmpty()) {
        continue;
      }
      if (job.pruned()) {
        // Issue 11.2: a job retention pruned is never refolded from what is left of it.
        job.fresh().forEach(event -> plan.ignored.add(event.id()));
        continue;
      }
      planJob(plan, job);
    }
    return plan.build();
  }

  private void planJob(Builder plan, JobInput job) {
    Route route = route(job.state(), job.fresh());
    JobFoldState before = job.state();
    JobFold.Folding folding;
    List<JobEvent> toFold = new ArrayList<>();
    Map<String, Boolean> storedIgnored = new HashMap<>();
    AttemptTimeline timeline;
    long dropAfter = -1;
    if (route == Route.INCREMENTAL) {
      timeline = before.position().timeline().with(job.fresh());
      folding = JobFold.Folding.resume(before);
      toFold.addAll(job.fresh());
    } else {
      Tail tail = requireTail(job, route);
      List<JobEvent> all = new ArrayList<>(job.fresh());
      for (Stored stored : job.stored()) {
        storedIgnored.put(stored.event().id(), stored.ignored());
      }
      if (tail.snapshot() != null) {
        JobFoldState snapshot = tail.snapshot();
        timeline = before.position().timeline().with(job.fresh());
        for (Stored stored : job.stored()) {
          JobEvent event = stored.event();
          if (FoldKey.of(event, timeline.attemptOf(event)).isAfter(snapshot.position().last())) {
            toFold.add(event);
          }
        }
        toFold.addAll(job.fresh());
        folding = JobFold.Folding.resume(snapshot);
        dropAfter = snapshot.position().folded();
        plan.refold(Refold.SNAPSHOT);
      } else {
        List<JobEvent> history = new ArrayList<>();
        job.stored().forEach(stored -> history.add(stored.event()));
        if (before == null && !history.isEmpty()) {
          // A job stored before fold states existed: its state is its history's fold.
          before = JobFold.foldAll(job.jobId(), history).state();
        }
        if (!history.isEmpty()) {
          plan.refold(Refold.START);
          dropAfter = 0;
        }
        all.addAll(history);
        timeline = AttemptTimeline.of(all);
        toFold.addAll(all);
        folding = JobFold.Folding.start(job.jobId());
      }
    }

    Set<String> freshIds = new HashSet<>();
    job.fresh().forEach(event -> freshIds.add(event.id()));
    List<JobEvent> ordered = JobFold.foldOrder(toFold, timeline);
    for (JobEvent event : ordered) {
      boolean applied = folding.apply(event, FoldKey.of(event, timeline.attemptOf(event)));
      if (folding.folded() % snapshotEvery == 0) {
        plan.snapshots.add(folding.state());
      }
      if (freshIds.contains(event.id())) {
        if (!applied) {
          plan.ignored.add(event.id());
        }
      } else {
        boolean wasIgnored = storedIgnored.get(event.id());
        if (wasIgnored && applied) {
          plan.revived.add(event.id());
        } else if (!wasIgnored && !applied) {
          plan.superseded.add(event.id());
        }
      }
    }
    JobFoldState after = folding.state();
    JobFold.Result folded = folding.result();
    JobRow row = folded.row();
    plan.rows.add(row);
    if (row.monitor() != null && folded.priorSuccess() != null) {
      plan.priorSuccesses.put(row.jobId(), folded.priorSuccess());
    }
    plan.states.add(after);
    if (dropAfter >= 0) {
      plan.dropSnapshotsAfter.put(job.jobId(), dropAfter);
    }
    for (JobEvent event : job.fresh()) {
      // A submission applied now: its dependencies are the job's. It may displace an
      // earlier-arriving, later-timed submission whose edges must go.
      if (event.change() instanceof JobChange.Submitted
          && !plan.ignored.contains(event.id())
          && (!row.dependsOn().isEmpty()
              || (before != null && !before.memory().dependsOn().isEmpty()))) {
        plan.newlySubmitted.add(row);
        break;
      }
    }
    recordCrashes(plan, job.jobId(), before, after, row);
    EvidenceChange change =
        EvidenceChange.between(before == null ? null : evidenceOf(before), folded.stageEvidence());
    plan.evidence.addAll(change.added());
    plan.withdrawn.addAll(change.withdrawn());
  }

  private static Tail requireTail(JobInput job, Route route) {
    if (job.tail() == null) {
      throw new IllegalArgumentException(
          "job " + job.jobId() + " goes by " + route + " but nothing was read for it");
    }
    if (route == Route.HISTORY && job.tail().snapshot() != null) {
      throw new IllegalArgumentException(
          "job " + job.jobId() + " must be refolded from its whole history");
    }
    return job.tail();
  }

  /** The stage evidence a stored fold state proves. */
  static List<StageObservation> evidenceOf(JobFoldState state) {
    return JobFold.Folding.resume(state).result().stageEvidence();
  }

  /**
   * The crashed attempts of a job that has or had any, with the service its row shows now
   * ("unknown" until a job.submitted names it), so {@code job_crashes} follows the jobs.
   */
  private static void recordCrashes(
      Builder plan, String jobId, JobFoldState before, JobFoldState after, JobRow row) {
    Map<Integer, Blame> now = after.memory().crashes();
    if (now.isEmpty() && (before == null || before.memory().crashes().isEmpty())) {
      return;
    }
    plan.crashedJobs.add(jobId);
    String service = row.service() == null ? "unknown" : row.service();
    new java.util.TreeMap<>(now)
        .forEach((attempt, blame) -> plan.crashes.add(new Crash(jobId, attempt, service, blame)));
  }

  /** Groups new job events by job, in arrival order. */
  public static Map<String, List<JobEvent>> byJob(Collection<? extends Event> fresh) {
    Map<String, List<JobEvent>> byJob = new LinkedHashMap<>();
    for (Event event : fresh) {
      if (event instanceof JobEvent jobEvent) {
        byJob.computeIfAbsent(jobEvent.jobId(), id -> new ArrayList<>()).add(jobEvent);
      }
    }
    return byJob;
  }

  private static final class Builder {
    final List<JobRow> rows = new ArrayList<>();
    final List<JobRow> newlySubmitted = new ArrayList<>();
    final Set<String> ignored = new HashSet<>();
    final Set<String> revived = new HashSet<>();
    final Set<String> superseded = new HashSet<>();
    final List<StageObservation> evidence = new ArrayList<>();
    final List<StageObservation> withdrawn = new ArrayList<>();
    final Set<String> crashedJobs = new HashSet<>();
    final List<Crash> crashes = new ArrayList<>();
    final List<JobFoldState> states = new ArrayList<>();
    final List<JobFoldState> snapshots = new ArrayList<>();
    final Map<String, Long> dropSnapshotsAfter = new HashMap<>();
    final Map<Refold, Integer> refolds = new EnumMap<>(Refold.class);
    final Map<String, JobFoldState.PriorSuccess> priorSuccesses = new HashMap<>();

    void refold(Refold from) {
      refolds.merge(from, 1, Integer::sum);
    }

    Plan build() {
      return new Plan(
          rows,
          newlySubmitted,
          ignored,
          revived,
          superseded,
          evidence,
          withdrawn,
          crashedJobs,
          crashes,
          states,
          snapshots,
          dropSnapshotsAfter,
          refolds,
          priorSuccesses);
    }
  }
}
