package io.jobwatch.core.job;

import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a job's fold needs to go on from where it stopped: where it stopped ({@link Position})
 * and what it knows ({@link Memory}). Stored per job (and every so many events as a snapshot), so
 * an event that arrives in fold order is folded without reading the job's history. Its size does
 * not grow with the number of events (it grows with attempts and stage evidence). Immutable and
 * thread-safe.
 */
public record JobFoldState(String jobId, Position position, Memory memory) {

  /**
   * Where the fold stopped.
   *
   * @param folded how many events it folded
   * @param last the fold key of the last folded event
   * @param timeline the attempts named by the folded events, by time
   * @param lastDerivedTime the latest time of a folded event whose attempt is derived from its time
   *     ({@code job.waiting}, {@code job.cancelled}, an unnumbered {@code job.queued}); null if
   *     none
   * @param attemptStarts per effective attempt, the earliest time of a folded event of it
   */
  public record Position(
      long folded,
      FoldKey last,
      AttemptTimeline timeline,
      Instant lastDerivedTime,
      Map<Integer, Instant> attemptStarts) {
    public Position {
      attemptStarts = Map.copyOf(attemptStarts);
    }
  }

  /**
   * What the fold knows: the fields of the job row and what later events may still change.
   *
   * @param priorSuccess the latest attempt before the current one that finished, when it succeeded;
   *     null when there is none or it did not succeed. A monitor counts it while the current
   *     attempt (a re-run or a retry) has no outcome yet (docs/monitors.md, "Runs").
   */
  public record Memory(
      String service,
      String runner,
      String monitor,
      JobState state,
      int attempt,
      Integer exitCode,
      Blame blame,
      String cause,
      String details,
      boolean fatal,
      RuntimeStatus runtime,
      String host,
      String waitingReason,
      String triggerJson,
      Map<String, String> labels,
      List<JobChange.Dependency> dependsOn,
      Instant submittedAt,
      Instant startedAt,
      Instant finishedAt,
      Instant latestApplied,
      Instant latestSeen,
      List<Evidence> evidence,
      Evidence startEvidence,
      boolean crashUnexplained,
      Map<Integer, Blame> crashes,
      Instant evidenceFloor,
      Integer latestAppliedAttempt,
      PriorSuccess priorSuccess) {
    public Memory {
      labels = Map.copyOf(labels);
      dependsOn = List.copyOf(dependsOn);
      evidence = List.copyOf(evidence);
      crashes = Map.copyOf(crashes);
    }
  }

  /**
   * An attempt that finished successfully before the job was requeued: a scheduler re-running a job
   * that had succeeded (an Airflow task cleared, a GitHub Actions re-run).
   *
   * @param startedAt null when its start is unknown
   */
  public record PriorSuccess(int attempt, Instant startedAt, Instant finishedAt) {}

  /** Stage evidence of an applied event, observed once the job's service is known. */
  public record Evidence(
      String eventId,
      Instant time,
      String runner,
      String stage,
      boolean ok,
      String errorClass,
      String message) {
    /** This evidence attributed to {@code otherRunner}. */
    Evidence withRunner(String otherRunner) {
      return new Evidence(eventId, time, otherRunner, stage, ok, errorClass, message);
    }

    StageObservation observe(String service, String jobId) {
      StageKey key = new StageKey(service, runner, stage);
      return ok
          ? StageObservation.ok(eventId, time, key)
          : StageObservation.error(eventId, time, key, errorClass, message, jobId, null);
    }
  }
}
