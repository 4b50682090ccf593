package io.jobwatch.core;

import io.jobwatch.core.job.JobFold;
import io.jobwatch.core.stage.EvidenceChange;
import io.jobwatch.core.stage.StageFold;
import io.jobwatch.core.stage.StageHealth;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import io.jobwatch.core.stage.StagePolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The consumer's job and stage steps without I/O, as BatchWriter runs them: each delivered batch
 * refolds the touched jobs from their stored history plus the new events, and applies the change of
 * their stage evidence (added and withdrawn) to the stage records. For tests of what arrival order
 * can and cannot change. Not thread-safe.
 */
final class PipelineModel {
  private final StagePolicy policy;
  private final Map<String, List<JobEvent>> histories = new LinkedHashMap<>();
  private final Map<StageKey, StageHealth> stages = new TreeMap<>();

  PipelineModel(StagePolicy policy) {
    this.policy = policy;
  }

  /** Delivers one batch of lifecycle events; already stored ids are duplicates and skipped. */
  void deliver(List<JobEvent> batch) {
    Map<String, List<JobEvent>> byJob = new LinkedHashMap<>();
    for (JobEvent event : batch) {
      byJob.computeIfAbsent(event.jobId(), id -> new ArrayList<>()).add(event);
    }
    Map<StageKey, List<StageObservation>> added = new TreeMap<>();
    Map<StageKey, List<StageObservation>> withdrawn = new TreeMap<>();
    byJob.forEach(
        (jobId, fresh) -> {
          List<JobEvent> stored = histories.get(jobId);
          List<StageObservation> before =
              stored == null ? null : JobFold.fold(stored).stageEvidence();
          List<JobEvent> all = new ArrayList<>(stored == null ? List.of() : stored);
          Set<String> ids = new HashSet<>();
          all.forEach(event -> ids.add(event.id()));
          for (JobEvent event : fresh) {
            if (ids.add(event.id())) {
              all.add(event);
            }
          }
          histories.put(jobId, all);
          EvidenceChange change = EvidenceChange.between(before, JobFold.fold(all).stageEvidence());
          change
              .added()
              .forEach(o -> added.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o));
          change
              .withdrawn()
              .forEach(o -> withdrawn.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o));
        });
    Set<StageKey> keys = new HashSet<>(added.keySet());
    keys.addAll(withdrawn.keySet());
    for (StageKey key : keys) {
      stages.put(
          key,
          StageFold.apply(
              stages.get(key),
              key,
              added.getOrDefault(key, List.of()),
              withdrawn.getOrDefault(key, List.of()),
              policy));
    }
  }

  /** Delivers each event in its own batch, in the given order. */
  void deliverOneByOne(List<JobEvent> events) {
    events.forEach(event -> deliver(List.of(event)));
  }

  StageHealth stage(StageKey key) {
    return stages.get(key);
  }

  JobFold.Result job(String jobId) {
    return JobFold.fold(histories.get(jobId));
  }
}
