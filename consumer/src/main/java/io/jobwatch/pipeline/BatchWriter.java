package io.jobwatch.pipeline;

import io.jobwatch.core.Event;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.StageEvent;
import io.jobwatch.core.job.BatchPlanner;
import io.jobwatch.core.job.JobFoldState;
import io.jobwatch.core.stage.StageFold;
import io.jobwatch.core.stage.StageHealth;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import io.jobwatch.core.stage.StagePolicy;
import io.jobwatch.store.DeadLetter;
import io.jobwatch.store.DeadLettersTable;
import io.jobwatch.store.EventsTable;
import io.jobwatch.store.FoldStateTable;
import io.jobwatch.store.JobsTable;
import io.jobwatch.store.OffsetsTable;
import io.jobwatch.store.PartitionAdvance;
import io.jobwatch.store.StageHealthTable;
import io.jobwatch.store.StoredEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Applies one batch of decoded records inside one database transaction: reads what the {@link
 * BatchPlanner} needs (stored ids, fold states, and for out-of-order events snapshots and stored
 * events), writes its plan (job rows, fold states, outcome flips, crash rows), folds stage health
 * and monitors, stores the new events, the dead letters and the next offsets. A fixed number of
 * statements per batch, whatever its size. Thread-safe (holds configuration only).
 */
public final class BatchWriter {
  private final StagePolicy stagePolicy;
  private final HistoryDecoder historyDecoder;
  private final MonitorStep monitorStep;
  private final int maxDeadLetterBytes;
  private final BatchPlanner planner = new BatchPlanner();

  /**
   * How far before a job's recorded first storing its stored events are still looked for: covers a
   * clock difference between this consumer (which stamps a new job in its cache) and the database
   * (which stamps {@code received_at}), and partition days.
   */
  static final Duration CLOCK_MARGIN = Duration.ofDays(1);

  public BatchWriter(
      StagePolicy stagePolicy, HistoryDecoder historyDecoder, MonitorStep monitorStep) {
    this(stagePolicy, historyDecoder, monitorStep, DeadLetter.DEFAULT_MAX_BYTES);
  }

  /**
   * @param maxDeadLetterBytes stored dead-letter values larger than this are truncated (flagged)
   */
  public BatchWriter(
      StagePolicy stagePolicy,
      HistoryDecoder historyDecoder,
      MonitorStep monitorStep,
      int maxDeadLetterBytes) {
    this.stagePolicy = stagePolicy;
    this.historyDecoder = historyDecoder;
    this.monitorStep = monitorStep;
    this.maxDeadLetterBytes = maxDeadLetterBytes;
  }

  /** The dead letter of a rejected record: its original key and headers, its value capped. */
  private DeadLetter deadLetter(Item.Invalid invalid) {
    RecordMeta meta = invalid.meta() == null ? RecordMeta.NONE : invalid.meta();
    List<DeadLetter.Header> headers = new ArrayList<>(meta.headers().size());
    for (RecordHeader header : meta.headers()) {
      headers.add(new DeadLetter.Header(header.key(), header.value()));
    }
    return DeadLetter.capped(
        invalid.topic(),
        invalid.partition(),
        invalid.offset(),
        meta.key() != null ? meta.key() : invalid.key(),
        invalid.value(),
        invalid.reason(),
        headers,
        maxDeadLetterBytes);
  }

  /**
   * Writes the batch through {@code handle}, which must be inside a transaction the caller commits.
   *
   * @throws FencedException when another consumer advanced one of the partitions first, or stored a
   *     copy of one of its stage or monitor events since this batch looked it up
   * @throws FoldConflictException when another consumer stored a fold state of one of the batch's
   *     jobs after this batch read or cached it
   */
  public BatchResult write(
      Handle handle,
      String groupId,
      List<Item> items,
      List<PartitionAdvance> advances,
      Instant now,
      HistoryCache cache) {
    BatchResult result = new BatchResult();
    List<DeadLetter> deadLetters = new ArrayList<>();
    List<Item.Valid> valid = new ArrayList<>();
    for (Item item : items) {
      if (item instanceof Item.Invalid invalid) {
        deadLetters.add(deadLetter(invalid));
        result.count(invalid.topic(), Outcome.DEAD_LETTERED);
      } else if (item instanceof Item.Valid validItem) {
        valid.add(validItem);
      }
    }
    List<Event> arrived = valid.stream().map(Item.Valid::event).toList();
    Map<String, List<JobEvent>> arrivedByJob = BatchPlanner.byJob(arrived);
    Map<String, JobFoldState> cached = new HashMap<>();
    Set<String> uncached = new HashSet<>();
    for (String jobId : arrivedByJob.keySet()) {
      JobFoldState state = cache.get(jobId);
      if (state != null) {
        cached.put(jobId, state);
      } else {
        uncached.add(jobId);
      }
    }
    Map<String, FoldStateTable.StoredJob> storedJobs =
        FoldStateTable.lookup(handle, arrivedByJob.keySet(), uncached);
    Map<String, Instant> firstStored = new HashMap<>();
    arrivedByJob
        .keySet()
        .forEach(jobId -> firstStored.put(jobId, firstStored(jobId, cached, storedJobs, cache)));
    Set<Integer> firstNew =
        BatchPlanner.firstNew(arrived, knownIds(handle, arrived, cached, storedJobs, firstStored));
    List<Item.Valid> fresh = new ArrayList<>();
    for (int i = 0; i < valid.size(); i++) {
      if (firstNew.contains(i)) {
        fresh.add(valid.get(i));
      } else {
        result.count(valid.get(i).topic(), Outcome.DUPLICATE);
      }
    }

    BatchPlanner.Plan jobs = planJobs(handle, fresh, cached, storedJobs, firstStored);
    List<StageObservation> observations = new ArrayList<>(jobs.evidence());
    List<MonitorEvent> monitorEvents = new ArrayList<>();
    for (Item.Valid item : fresh) {
      if (item.event() instanceof StageEvent stageEvent) {
        observations.add(StageObservation.of(stageEvent));
      } else if (item.event() instanceof MonitorEvent monitorEvent) {
        monitorEvents.add(monitorEvent);
      }
    }
    List<StoredEvent> stored = new ArrayList<>(fresh.size());
    for (Item.Valid item : fresh) {
      Event event = item.event();
      Outcome outcome = jobs.ignored().contains(event.id()) ? Outcome.IGNORED : Outcome.APPLIED;
      result.count(item.topic(), outcome);
      if (outcome == Outcome.APPLIED) {
        result.applied(event.time());
      }
      stored.add(store(item, outcome));
    }

    JobsTable.upsert(handle, jobs.rows());
    JobsTable.insertDependencies(handle, jobs.newlySubmitted());
    Set<String> newJobs = new HashSet<>();
    Map<String, Long> foldedBefore = new HashMap<>();
    for (JobFoldState state : jobs.states()) {
      String jobId = state.jobId();
      if (isNew(jobId, cached, storedJobs)) {
        newJobs.add(jobId);
      }
      JobFoldState before =
          cached.containsKey(jobId) ? cached.get(jobId) : storedJobs.get(jobId).state();
      if (before != null) {
        foldedBefore.put(jobId, before.position().folded());
      }
    }
    // A compare-and-set on the state each fold started from (cached or read without a lock):
    // another consumer that stored a state of one of these jobs since, because the job's events
    // came on its partitions too, makes this batch roll back and start again from the stored
    // offsets and states. The job rows written above follow: they are written only with their
    // fold state, in this transaction.
    FoldStateTable.Stored storedStates =
        FoldStateTable.store(handle, jobs.states(), foldedBefore, newJobs);
    if (!storedStates.conflicts().isEmpty()) {
      throw new FoldConflictException(storedStates.conflicts());
    }
    Map<String, Instant> firstStoredAfter = storedStates.firstStored();
    FoldStateTable.storeSnapshots(handle, jobs.dropSnapshotsAfter(), jobs.snapshots());
    EventsTable.insert(handle, stored);
    EventsTable.markApplied(handle, jobs.revived());
    EventsTable.markIgnored(handle, jobs.superseded());
    DeadLettersTable.insert(handle, deadLetters);
    // The partitions' offsets are this consumer's own rows: moved (or found fenced) before the
    // rows every consumer writes. Jobs and fold states, locked above (jobs in job id order), are
    // shared only when a job's events are split over partitions (the fold states'
    // compare-and-set).
    if (!OffsetsTable.advance(handle, groupId, advances)) {
      throw new FencedException(
          "another consumer of group " + groupId + " advanced " + advances + " first");
    }
    // Issue 11.5: rows every consumer writes (monitors, crash totals, stages: the hottest) are
    // locked last, always in this order and each set in key order, so another instance waits for
    // them only until this commit and never in a cycle.
    int monitors =
        monitorStep.apply(handle, monitorEvents, jobs.rows(), jobs.priorSuccesses(), now);
    JobsTable.recordCrashes(handle, jobs.crashedJobs(), crashRows(jobs.crashes()));
    List<StageHealth> stages = foldStages(handle, observations, jobs.withdrawn());
    checkStoredOnce(handle, fresh);
    StageHealthTable.update(handle, stages);
    result.written(jobs.rows().size(), stages.size(), monitors);
    result.refolds(jobs.refolds());
    result.states(jobs.states());
    result.firstStored(firstStoredAfter);
    return result;
  }

  /**
   * Stage and monitor events have no fold state whose compare-and-set would notice that another
   * consumer applied a copy of them (a publisher's retry on another partition) after this batch
   * looked their ids up. Both batches lock the copy's stage or monitor row, so once this batch
   * holds those locks the other one has committed, or waits until this one has: a copy stored twice
   * now was applied by the other, and this batch rolls back and is read again, which then finds the
   * copy a duplicate.
   */
  private static void checkStoredOnce(Handle handle, List<Item.Valid> fresh) {
    List<String> ids = new ArrayList<>();
    for (Item.Valid item : fresh) {
      if (item.event() instanceof StageEvent || item.event() instanceof MonitorEvent) {
        ids.add(item.event().id());
      }
    }
    Set<String> twice = EventsTable.storedTwice(handle, ids);
    if (!twice.isEmpty()) {
      throw new FencedException(
          "another consumer stored event "
              + twice.stream().sorted().findFirst().orElseThrow()
              + (twice.size() == 1 ? "" : " and " + (twice.size() - 1) + " more")
              + " first (a copy on another partition); retrying from the stored offsets");
    }
  }

  /**
   * When the job's fold state was first stored (every stored event of the job was received then or
   * later), from the cache or the database; null if unknown or nothing is stored.
   */
  private static Instant firstStored(
      String jobId,
      Map<String, JobFoldState> cached,
      Map<String, FoldStateTable.StoredJob> storedJobs,
      HistoryCache cache) {
    if (cached.containsKey(jobId)) {
      return cache.firstStored(jobId);
    }
    FoldStateTable.StoredJob stored = storedJobs.get(jobId);
    return stored.hasState() ? stored.firstStored() : null;
  }

  /**
   * Nothing of the job is stored: no fold state (cached or stored), no row, no tombstone. Its
   * events cannot be among the stored ones and it has no history to read.
   */
  private static boolean isNew(
      String jobId,
      Map<String, JobFoldState> cached,
      Map<String, FoldStateTable.StoredJob> storedJobs) {
    return !cached.containsKey(jobId) && storedJobs.get(jobId).unknown();
  }

  /**
   * Which of the batch's event ids are stored already (issue 11.4: without probing every day
   * partition for each). An event of a job nothing is stored of cannot be; one of a job whose
   * state's first storing is known can only be among events received since then (less a margin for
   * the clocks of this consumer, which stamps a new job's first storing in the cache, and of the
   * database); any other event (stage and monitor events, jobs stored before V16, pruned jobs) is
   * looked for everywhere.
   */
  private static Set<String> knownIds(
      Handle handle,
      List<Event> arrived,
      Map<String, JobFoldState> cached,
      Map<String, FoldStateTable.StoredJob> storedJobs,
      Map<String, Instant> firstStored) {
    Set<String> bounded = new HashSet<>();
    Set<String> unbounded = new HashSet<>();
    Instant since = null;
    for (Event event : arrived) {
      if (!(event instanceof JobEvent jobEvent)) {
        unbounded.add(event.id());
        continue;
      }
      String jobId = jobEvent.jobId();
      FoldStateTable.StoredJob stored = storedJobs.get(jobId);
      Instant first = firstStored.get(jobId);
      if (isNew(jobId, cached, storedJobs)) {
        continue;
      }
      if (first == null || stored.pruned()) {
        unbounded.add(event.id());
      } else {
        bounded.add(event.id());
        since = since == null || first.isBefore(since) ? first : since;
      }
    }
    bounded.removeAll(unbounded);
    return EventsTable.knownIds(
        handle, bounded, since == null ? null : since.minus(CLOCK_MARGIN), unbounded);
  }

  /**
   * Reads what the planner asks for (snapshots and stored events for refolds), each with one
   * statement for all jobs, and plans the jobs.
   */
  private BatchPlanner.Plan planJobs(
      Handle handle,
      List<Item.Valid> fresh,
      Map<String, JobFoldState> cached,
      Map<String, FoldStateTable.StoredJob> storedJobs,
      Map<String, Instant> firstStored) {
    Map<String, List<JobEvent>> freshByJob =
        BatchPlanner.byJob(fresh.stream().map(Item.Valid::event).toList());
    Set<String> pruned = new HashSet<>();
    Map<String, JobFoldState> states = new HashMap<>();
    for (String jobId : freshByJob.keySet()) {
      FoldStateTable.StoredJob stored = storedJobs.get(jobId);
      if (stored.pruned()) {
        pruned.add(jobId);
      } else if (cached.containsKey(jobId)) {
        states.put(jobId, cached.get(jobId));
      } else if (stored.state() != null) {
        states.put(jobId, stored.state());
      }
    }

    Map<String, BatchPlanner.Tail> tails = new HashMap<>();
    Set<String> needSnapshots = new HashSet<>();
    freshByJob.forEach(
        (jobId, events) -> {
          if (pruned.contains(jobId)) {
            return;
          }
          BatchPlanner.Route route = BatchPlanner.route(states.get(jobId), events);
          if (route == BatchPlanner.Route.HISTORY) {
            tails.put(jobId, BatchPlanner.Tail.WHOLE_HISTORY);
          } else if (route == BatchPlanner.Route.SNAPSHOT) {
            needSnapshots.add(jobId);
          }
        });
    Map<String, List<JobFoldState>> snapshots = FoldStateTable.snapshots(handle, needSnapshots);
    for (String jobId : needSnapshots) {
      tails.put(
          jobId,
          BatchPlanner.tail(
              states.get(jobId), freshByJob.get(jobId), snapshots.getOrDefault(jobId, List.of())));
    }
    Map<String, Instant> since = new HashMap<>();
    boolean allBounded = true;
    Instant storedSince = null;
    for (Map.Entry<String, BatchPlanner.Tail> tail : tails.entrySet()) {
      String jobId = tail.getKey();
      if (isNew(jobId, cached, storedJobs)) {
        continue; // nothing of it is stored
      }
      since.put(jobId, tail.getValue().since());
      Instant first = firstStored.get(jobId);
      if (first == null) {
        allBounded = false;
      } else if (storedSince == null || first.isBefore(storedSince)) {
        storedSince = first;
      }
    }
    Map<String, List<BatchPlanner.Stored>> stored =
        decode(
            EventsTable.history(
                handle,
                since,
                allBounded && storedSince != null ? storedSince.minus(CLOCK_MARGIN) : null));

    List<BatchPlanner.JobInput> inputs = new ArrayList<>(freshByJob.size());
    freshByJob.forEach(
        (jobId, events) ->
            inputs.add(
                new BatchPlanner.JobInput(
                    jobId,
                    states.get(jobId),
                    events,
                    tails.get(jobId),
                    stored.getOrDefault(jobId, List.of()),
                    pruned.contains(jobId))));
    return planner.plan(inputs);
  }

  private static List<JobsTable.Crash> crashRows(List<BatchPlanner.Crash> crashes) {
    List<JobsTable.Crash> rows = new ArrayList<>(crashes.size());
    for (BatchPlanner.Crash crash : crashes) {
      rows.add(
          new JobsTable.Crash(
              crash.jobId(), crash.attempt(), crash.service(), crash.blame().wireName()));
    }
    return rows;
  }

  private static StoredEvent store(Item.Valid valid, Outcome outcome) {
    Event event = valid.event();
    String jobId = event instanceof JobEvent jobEvent ? jobEvent.jobId() : null;
    return new StoredEvent(
        event.id(),
        jobId,
        subject(event),
        event.type(),
        event.time(),
        valid.source(),
        outcome.wireName(),
        valid.topic(),
        valid.partition(),
        valid.offset(),
        valid.envelopeJson());
  }

  private static String subject(Event event) {
    if (event instanceof JobEvent jobEvent) {
      return jobEvent.jobId();
    } else if (event instanceof StageEvent stageEvent) {
      StageKey key = stageEvent.key();
      return key.service() + "/" + key.runner() + "/" + key.stage();
    } else if (event instanceof MonitorEvent monitorEvent) {
      return monitorEvent.monitor();
    }
    throw new IllegalStateException("unknown event " + event.getClass().getName());
  }

  /** Stored events read from the database, decoded, with whether each is stored as ignored. */
  private Map<String, List<BatchPlanner.Stored>> decode(List<EventsTable.HistoryRow> rows) {
    Map<String, List<BatchPlanner.Stored>> events = new HashMap<>();
    for (EventsTable.HistoryRow row : rows) {
      if (historyDecoder.decode(row.envelopeJson(), row.eventTime()) instanceof JobEvent jobEvent) {
        events
            .computeIfAbsent(row.jobId(), id -> new ArrayList<>())
            .add(new BatchPlanner.Stored(jobEvent, row.wasIgnored()));
      }
    }
    return events;
  }

  private List<StageHealth> foldStages(
      Handle handle, List<StageObservation> observations, List<StageObservation> withdrawals) {
    if (observations.isEmpty() && withdrawals.isEmpty()) {
      return List.of();
    }
    Map<StageKey, List<StageObservation>> byKey = new LinkedHashMap<>();
    for (StageObservation observation : observations) {
      byKey.computeIfAbsent(observation.key(), key -> new ArrayList<>()).add(observation);
    }
    Map<StageKey, List<StageObservation>> withdrawnByKey = new HashMap<>();
    for (StageObservation withdrawn : withdrawals) {
      byKey.computeIfAbsent(withdrawn.key(), key -> new ArrayList<>());
      withdrawnByKey.computeIfAbsent(withdrawn.key(), key -> new ArrayList<>()).add(withdrawn);
    }
    Map<StageKey, StageHealth> current = StageHealthTable.lock(handle, List.copyOf(byKey.keySet()));
    List<StageHealth> folded = new ArrayList<>(byKey.size());
    for (Map.Entry<StageKey, List<StageObservation>> entry : byKey.entrySet()) {
      folded.add(
          StageFold.apply(
              current.get(entry.getKey()),
              entry.getKey(),
              entry.getValue(),
              withdrawnByKey.getOrDefault(entry.getKey(), List.of()),
              stagePolicy));
    }
    return folded;
  }
}
