package io.jobwatch.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates what jobs wait on. jobwatch observes and does not schedule: it says "job X waits on job
 * Y (needs succeeded, Y is running)", marks jobs that can never run, and flags jobs still waiting
 * long after everything they wait on ended. The same rules are in the {@code job_waits} view.
 * Stateless and thread-safe.
 */
public final class Dependencies {

  private Dependencies() {}

  /** One edge, as an operator reads it. {@code dependencyState} is null for an unseen job. */
  public record Edge(
      String jobId,
      String dependsOn,
      List<JobState> accept,
      JobState dependencyState,
      DependencyStatus status) {}

  /** A job's overall position: its edges, whether it can still run, and whether it is stuck. */
  public record Verdict(String jobId, List<Edge> edges, boolean unsatisfiable, boolean stuck) {
    public List<Edge> waitingOn() {
      return edges.stream().filter(edge -> edge.status() == DependencyStatus.WAITING).toList();
    }
  }

  /**
   * Evaluates every job with dependencies in {@code jobs}.
   *
   * @param stuckAfter how long after its last dependency ended a still-pending job is flagged
   */
  public static Map<String, Verdict> evaluate(
      Map<String, JobRow> jobs, Instant now, Duration stuckAfter) {
    Map<String, Boolean> unsatisfiable = new HashMap<>();
    Map<String, Verdict> verdicts = new HashMap<>();
    for (JobRow job : jobs.values()) {
      if (!job.dependsOn().isEmpty()) {
        verdicts.put(job.jobId(), verdict(job, jobs, unsatisfiable, now, stuckAfter));
      }
    }
    return verdicts;
  }

  private static Verdict verdict(
      JobRow job,
      Map<String, JobRow> jobs,
      Map<String, Boolean> memo,
      Instant now,
      Duration stuckAfter) {
    List<Edge> edges = new ArrayList<>();
    Instant lastEnded = null;
    boolean allSatisfied = true;
    for (JobChange.Dependency dependency : job.dependsOn()) {
      JobRow target = jobs.get(dependency.jobId());
      DependencyStatus status = edgeStatus(job, dependency, target, jobs, memo);
      edges.add(
          new Edge(
              job.jobId(),
              dependency.jobId(),
              dependency.accept(),
              target == null ? null : target.state(),
              status));
      allSatisfied &= status == DependencyStatus.SATISFIED;
      if (status == DependencyStatus.SATISFIED && target.finishedAt() != null) {
        lastEnded =
            lastEnded == null || target.finishedAt().isAfter(lastEnded)
                ? target.finishedAt()
                : lastEnded;
      }
    }
    boolean cannotRun = isUnsatisfiable(job, jobs, memo, new HashSet<>(), new boolean[1]);
    boolean pending =
        job.state() == JobState.SUBMITTED
            || job.state() == JobState.QUEUED
            || job.state() == JobState.WAITING;
    boolean stuck =
        pending && allSatisfied && lastEnded != null && lastEnded.plus(stuckAfter).isBefore(now);
    return new Verdict(job.jobId(), List.copyOf(edges), cannotRun, stuck);
  }

  private static DependencyStatus edgeStatus(
      JobRow job,
      JobChange.Dependency dependency,
      JobRow target,
      Map<String, JobRow> jobs,
      Map<String, Boolean> memo) {
    if (dependency.jobId().equals(job.jobId())) {
      return DependencyStatus.INVALID;
    }
    if (target == null) {
      return DependencyStatus.WAITING;
    }
    if (target.state().isTerminal()) {
      return dependency.accept().contains(target.state())
          ? DependencyStatus.SATISFIED
          : DependencyStatus.UNSATISFIABLE;
    }
    return isUnsatisfiable(target, jobs, memo, new HashSet<>(), new boolean[1])
        ? DependencyStatus.UNSATISFIABLE
        : DependencyStatus.WAITING;
  }

  /**
   * A job that has not ended can never run if one of its edges is invalid or unsatisfiable, and
   * that propagates to its dependants. A cycle alone counts as waiting, not as unsatisfiable. A
   * result worked out while a cycle was cut short is not remembered, since it may depend on where
   * the walk entered the cycle.
   *
   * @param cutShort set to true when the walk met a job already on its path
   */
  private static boolean isUnsatisfiable(
      JobRow job,
      Map<String, JobRow> jobs,
      Map<String, Boolean> memo,
      Set<String> visiting,
      boolean[] cutShort) {
    if (job.state().isTerminal() || job.dependsOn().isEmpty()) {
      return false;
    }
    Boolean known = memo.get(job.jobId());
    if (known != null) {
      return known;
    }
    if (!visiting.add(job.jobId())) {
      cutShort[0] = true;
      return false;
    }
    boolean[] innerCut = new boolean[1];
    boolean result = false;
    for (JobChange.Dependency dependency : job.dependsOn()) {
      JobRow target = jobs.get(dependency.jobId());
      if (dependency.jobId().equals(job.jobId())) {
        result = true;
      } else if (target != null && target.state().isTerminal()) {
        result = !dependency.accept().contains(target.state());
      } else if (target != null) {
        result = isUnsatisfiable(target, jobs, memo, visiting, innerCut);
      }
      if (result) {
        break;
      }
    }
    visiting.remove(job.jobId());
    if (result || !innerCut[0]) {
      memo.put(job.jobId(), result);
    } else {
      cutShort[0] = true;
    }
    return result;
  }
}
