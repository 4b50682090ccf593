package io.jobwatch.pipeline;

import io.jobwatch.core.Event;
import io.jobwatch.core.JobEvent;
import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.StageEvent;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.job.JobRow;
import io.jobwatch.core.stage.EvidenceChange;
import io.jobwatch.core.stage.StageFold;
import io.jobwatch.core.stage.StageHealth;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import io.jobwatch.core.stage.StagePolicy;
import io.jobwatch.store.DeadLetter;
import io.jobwatch.store.DeadLettersTable;
import io.jobwatch.store.EventsTable;
import io.jobwatch.store.JobsTable;
import io.jobwatch.store.OffsetsTable;
import io.jobwatch.store.PartitionAdvance;
import io.jobwatch.store.StageHealthTable;
import io.jobwatch.store.StoredEvent;
import io.jobwatch.store.TombstonesTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;

/**
 * Applies one batch of decoded records inside one database transaction: de-duplicates by event id,
 * refolds every touched job from its stored history plus the new events, folds stage health and
 * monitors, stores the new events, the dead letters and the next offsets. A fixed number of
 * statements per batch, whatever its size. Thread-safe (holds configuration only).
 */
public final class BatchWriter {
  private final StagePolicy stagePolicy;
  private final HistoryDecoder historyDecoder;
  private final MonitorStep monitorStep;
  private final int maxDeadLetterBytes;

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
   * @throws FencedException when another consumer advanced one of the partitions first
   */
  public BatchResult write(
      Handle handle,
      String groupId,
      List<Item> items,
      List<PartitionAdvance> advances,
      Instant now,
      HistoryCache cache) {
    BatchResult result = new BatchResult();
    Map<String, Item.Valid> unique = new LinkedHashMap<>();
    List<DeadLetter> deadLetters = new ArrayList<>();
    for (Item item : items) {
      if (item instanceof Item.Invalid invalid) {
        deadLetters.add(deadLetter(invalid));
        result.count(invalid.topic(), Outcome.DEAD_LETTERED);
      } else if (item instanceof Item.Valid valid) {
        if (unique.putIfAbsent(valid.event().id(), valid) != null) {
          result.count(valid.topic(), Outcome.DUPLICATE);
        }
      }
    }

    Set<String> jobIds = new HashSet<>();
    for (Item.Valid valid : unique.values()) {
      if (valid.event() instanceof JobEvent jobEvent) {
        jobIds.add(jobEvent.jobId());
      }
    }
    Map<String, HistoryCache.Entry> histories = new HashMap<>();
    Set<String> uncached = new HashSet<>();
    for (String jobId : jobIds) {
      HistoryCache.Entry cached = cache.get(jobId);
      if (cached == null) {
        uncached.add(jobId);
      } else {
        histories.put(jobId, cached);
      }
    }
    EventsTable.Lookup lookup = EventsTable.lookup(handle, uncached, unique.keySet());
    histories.putAll(decode(lookup.history()));
    List<Item.Valid> fresh = new ArrayList<>();
    for (Item.Valid valid : unique.values()) {
      if (lookup.knownEventIds().contains(valid.event().id())) {
        result.count(valid.topic(), Outcome.DUPLICATE);
      } else {
        fresh.add(valid);
      }
    }

    // Issue 11.2: a job retention pruned (it has a tombstone) is never refolded from what is
    // left of it; its late or duplicate events are stored as ignored.
    Set<String> pruned = TombstonesTable.prunedAmong(handle, jobIds);
    Predicate<Item.Valid> ofPruned =
        valid -> valid.event() instanceof JobEvent event && pruned.contains(event.jobId());
    JobStep jobs = foldJobs(fresh.stream().filter(ofPruned.negate()).toList(), histories);
    fresh.stream().filter(ofPruned).forEach(valid -> jobs.ignored.add(valid.event().id()));
    List<StageObservation> observations = new ArrayList<>(jobs.evidence);
    List<MonitorEvent> monitorEvents = new ArrayList<>();
    for (Item.Valid valid : fresh) {
      if (valid.event() instanceof StageEvent stageEvent) {
        observations.add(StageObservation.of(stageEvent));
      } else if (valid.event() instanceof MonitorEvent monitorEvent) {
        monitorEvents.add(monitorEvent);
      }
    }

    List<StoredEvent> stored = new ArrayList<>(fresh.size());
    for (Item.Valid valid : fresh) {
      Event event = valid.event();
      Outcome outcome = jobs.ignored.contains(event.id()) ? Outcome.IGNORED : Outcome.APPLIED;
      result.count(valid.topic(), outcome);
      if (outcome == Outcome.APPLIED) {
        result.applied(event.time());
      }
      stored.add(store(valid, outcome));
    }

    JobsTable.upsert(handle, jobs.rows);
    JobsTable.insertDependencies(handle, jobs.newlySubmitted);
    EventsTable.insert(handle, stored);
    EventsTable.markApplied(handle, jobs.revived);
    EventsTable.markIgnored(handle, jobs.superseded);
    DeadLettersTable.insert(handle, deadLetters);
    // Issue 11.5: rows every consumer writes (monitors, crash totals, stages: the hottest) are
    // locked last, always in this order and each set in key order, so another instance waits for
    // them only until this commit and never in a cycle.
    int monitors = monitorStep.apply(handle, monitorEvents, jobs.rows, now);
    JobsTable.recordCrashes(handle, jobs.crashedJobs, jobs.crashes);
    List<StageHealth> stages = foldStages(handle, observations, jobs.withdrawn);
    StageHealthTable.update(handle, stages);
    if (!OffsetsTable.advance(handle, groupId, advances)) {
      throw new FencedException(
          "another consumer of group " + groupId + " advanced " + advances + " first");
    }
    result.written(jobs.rows.size(), stages.size(), monitors);
    result.histories(jobs.histories);
    return result;
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

  /**
   * The jobs part of a batch: folded rows, ignored events, stored events whose outcome changed, the
   * change of stage evidence, and the crashed attempts of jobs that have or had any.
   */
  private static final class JobStep {
    final List<JobRow> rows = new ArrayList<>();
    final List<JobRow> newlySubmitted = new ArrayList<>();
    final Set<String> ignored = new HashSet<>();
    final Set<String> revived = new HashSet<>();
    final Set<String> superseded = new HashSet<>();
    final List<StageObservation> evidence = new ArrayList<>();
    final List<StageObservation> withdrawn = new ArrayList<>();
    final Set<String> crashedJobs = new HashSet<>();
    final List<JobsTable.Crash> crashes = new ArrayList<>();
    final Map<String, HistoryCache.Entry> histories = new HashMap<>();
  }

  /** Stored histories read from the database, decoded, with the ids stored as ignored. */
  private Map<String, HistoryCache.Entry> decode(List<EventsTable.HistoryRow> rows) {
    Map<String, List<JobEvent>> events = new HashMap<>();
    Map<String, Set<String>> ignored = new HashMap<>();
    for (EventsTable.HistoryRow row : rows) {
      if (historyDecoder.decode(row.envelopeJson(), row.eventTime()) instanceof JobEvent jobEvent) {
        events.computeIfAbsent(row.jobId(), id -> new ArrayList<>()).add(jobEvent);
        if (row.wasIgnored()) {
          ignored.computeIfAbsent(row.jobId(), id -> new HashSet<>()).add(row.eventId());
        }
      }
    }
    Map<String, HistoryCache.Entry> histories = new HashMap<>();
    events.forEach(
        (jobId, list) ->
            histories.put(
                jobId, new HistoryCache.Entry(list, ignored.getOrDefault(jobId, Set.of()))));
    return histories;
  }

  private JobStep foldJobs(List<Item.Valid> fresh, Map<String, HistoryCache.Entry> histories) {
    Map<String, List<JobEvent>> freshByJob = new LinkedHashMap<>();
    for (Item.Valid valid : fresh) {
      if (valid.event() instanceof JobEvent jobEvent) {
        freshByJob.computeIfAbsent(jobEvent.jobId(), id -> new ArrayList<>()).add(jobEvent);
      }
    }
    JobStep step = new JobStep();
    for (Map.Entry<String, List<JobEvent>> entry : freshByJob.entrySet()) {
      HistoryCache.Entry history =
          histories.getOrDefault(entry.getKey(), new HistoryCache.Entry(List.of(), Set.of()));
      List<JobEvent> stored = history.events();
      Set<String> storedAsIgnored = history.storedAsIgnored();
      // What the stored history proved before this batch, so that only the difference is written.
      JobFold.Result before = stored.isEmpty() ? null : JobFold.fold(stored);
      List<JobEvent> all = new ArrayList<>(stored);
      all.addAll(entry.getValue());
      JobFold.Result folded = JobFold.fold(all);
      step.rows.add(folded.row());
      recordCrashes(step, entry.getKey(), before, folded);
      Set<String> nowIgnored = new HashSet<>();
      for (JobEvent event : stored) {
        boolean ignoredNow = folded.ignoredEventIds().contains(event.id());
        if (storedAsIgnored.contains(event.id()) && !ignoredNow) {
          step.revived.add(event.id());
        } else if (!storedAsIgnored.contains(event.id()) && ignoredNow) {
          step.superseded.add(event.id());
        }
        if (ignoredNow) {
          nowIgnored.add(event.id());
        }
      }
      for (JobEvent event : entry.getValue()) {
        if (folded.ignoredEventIds().contains(event.id())) {
          step.ignored.add(event.id());
          nowIgnored.add(event.id());
        } else {
          countApplied(step, folded.row(), event);
        }
      }
      EvidenceChange change =
          EvidenceChange.between(
              before == null ? null : before.stageEvidence(), folded.stageEvidence());
      step.evidence.addAll(change.added());
      step.withdrawn.addAll(change.withdrawn());
      step.histories.put(entry.getKey(), new HistoryCache.Entry(List.copyOf(all), nowIgnored));
    }
    return step;
  }

  /**
   * The crashed attempts of a job that has or had any, with the service its row shows now
   * ("unknown" until a job.submitted names it), so {@code job_crashes} follows the jobs.
   */
  private static void recordCrashes(
      JobStep step, String jobId, JobFold.Result before, JobFold.Result folded) {
    if (folded.crashes().isEmpty() && (before == null || before.crashes().isEmpty())) {
      return;
    }
    step.crashedJobs.add(jobId);
    String service = folded.row().service() == null ? "unknown" : folded.row().service();
    folded
        .crashes()
        .forEach(
            (attempt, blame) ->
                step.crashes.add(new JobsTable.Crash(jobId, attempt, service, blame.wireName())));
  }

  private static void countApplied(JobStep step, JobRow row, JobEvent event) {
    if (event.change() instanceof JobChange.Submitted && !row.dependsOn().isEmpty()) {
      step.newlySubmitted.add(row);
    }
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
