package io.jobwatch.core.job;

import io.jobwatch.core.JobEvent;
import io.jobwatch.core.stage.StageObservation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The storage side of BatchWriter without I/O, around the real {@link BatchPlanner}: stored events
 * with their outcomes, fold states, snapshots, crash rows and the net stage evidence, read and
 * written as the writer does (only what the plan asks for). Optionally forgets fold states, as a
 * database migrated from before they existed. Not thread-safe.
 */
public final class PlannerModel {
  private final BatchPlanner planner;
  private final Map<String, Boolean> storedIgnored = new LinkedHashMap<>();
  private final Map<String, JobEvent> storedEvents = new LinkedHashMap<>();
  private final Map<String, JobFoldState> states = new HashMap<>();
  private final Map<String, TreeMap<Long, JobFoldState>> snapshots = new HashMap<>();
  private final Map<String, Map<Integer, Blame>> crashRows = new HashMap<>();
  private final Map<String, JobRow> rows = new HashMap<>();
  private final Map<StageObservation, Integer> evidence = new HashMap<>();
  private final Map<BatchPlanner.Refold, Integer> refolds = new HashMap<>();
  private long storedEventsRead;

  public PlannerModel(int snapshotEvery) {
    this.planner = new BatchPlanner(snapshotEvery);
  }

  /**
   * Delivers one batch, which may repeat events of itself or of earlier batches; returns its plan
   * (the rows and prior successes the monitors step observes).
   */
  public BatchPlanner.Plan deliver(List<JobEvent> batch) {
    Set<Integer> firstNew = BatchPlanner.firstNew(batch, storedEvents.keySet());
    List<JobEvent> fresh = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      if (firstNew.contains(i)) {
        fresh.add(batch.get(i));
      }
    }
    List<BatchPlanner.JobInput> inputs = new ArrayList<>();
    BatchPlanner.byJob(fresh)
        .forEach(
            (jobId, events) -> {
              JobFoldState state = states.get(jobId);
              BatchPlanner.Route route = BatchPlanner.route(state, events);
              BatchPlanner.Tail tail = null;
              if (route == BatchPlanner.Route.HISTORY) {
                tail = BatchPlanner.Tail.WHOLE_HISTORY;
              } else if (route == BatchPlanner.Route.SNAPSHOT) {
                tail =
                    BatchPlanner.tail(
                        state,
                        events,
                        List.copyOf(snapshots.getOrDefault(jobId, new TreeMap<>()).values()));
              }
              List<BatchPlanner.Stored> read = new ArrayList<>();
              if (tail != null) {
                for (JobEvent stored : storedEvents.values()) {
                  if (stored.jobId().equals(jobId)
                      && (tail.since() == null || !stored.time().isBefore(tail.since()))) {
                    read.add(new BatchPlanner.Stored(stored, storedIgnored.get(stored.id())));
                  }
                }
              }
              storedEventsRead += read.size();
              inputs.add(new BatchPlanner.JobInput(jobId, state, events, tail, read, false));
            });
    BatchPlanner.Plan plan = planner.plan(inputs);

    for (JobEvent event : fresh) {
      storedEvents.put(event.id(), event);
      storedIgnored.put(event.id(), plan.ignored().contains(event.id()));
    }
    plan.revived().forEach(id -> storedIgnored.put(id, false));
    plan.superseded().forEach(id -> storedIgnored.put(id, true));
    plan.rows().forEach(row -> rows.put(row.jobId(), row));
    plan.states().forEach(state -> states.put(state.jobId(), state));
    plan.dropSnapshotsAfter()
        .forEach(
            (jobId, after) ->
                snapshots.getOrDefault(jobId, new TreeMap<>()).tailMap(after, false).clear());
    plan.snapshots()
        .forEach(
            snapshot ->
                snapshots
                    .computeIfAbsent(snapshot.jobId(), id -> new TreeMap<>())
                    .put(snapshot.position().folded(), snapshot));
    plan.crashedJobs().forEach(jobId -> crashRows.put(jobId, new HashMap<>()));
    plan.crashes()
        .forEach(crash -> crashRows.get(crash.jobId()).put(crash.attempt(), crash.blame()));
    plan.evidence().forEach(o -> evidence.merge(o, 1, Integer::sum));
    plan.withdrawn().forEach(o -> evidence.merge(o, -1, Integer::sum));
    plan.refolds().forEach((from, n) -> refolds.merge(from, n, Integer::sum));
    return plan;
  }

  /** Forgets every fold state and snapshot, as a database migrated from before they existed. */
  public void forgetStates() {
    states.clear();
    snapshots.clear();
  }

  public JobRow row(String jobId) {
    return rows.get(jobId);
  }

  public JobFoldState state(String jobId) {
    return states.get(jobId);
  }

  /** The stored events of a job stored as ignored. */
  public Set<String> ignored(String jobId) {
    Set<String> ignored = new HashSet<>();
    storedIgnored.forEach(
        (id, isIgnored) -> {
          if (isIgnored && storedEvents.get(id).jobId().equals(jobId)) {
            ignored.add(id);
          }
        });
    return ignored;
  }

  public Map<Integer, Blame> crashRows(String jobId) {
    return crashRows.getOrDefault(jobId, Map.of());
  }

  /** Evidence added and not withdrawn; a count other than 0 or 1 is a defect. */
  public Map<StageObservation, Integer> evidence() {
    return evidence;
  }

  public int refolds(BatchPlanner.Refold from) {
    return refolds.getOrDefault(from, 0);
  }

  public long storedEventsRead() {
    return storedEventsRead;
  }
}
