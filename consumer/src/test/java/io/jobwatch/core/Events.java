package io.jobwatch.core;

import io.jobwatch.core.job.Blame;
import io.jobwatch.core.job.JobChange;
import io.jobwatch.core.job.JobState;
import io.jobwatch.core.stage.StageKey;
import io.jobwatch.core.stage.StageObservation;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test data: lifecycle events of one job and stage observations, at times {@code t(seconds)}. */
public final class Events {

  public static final Instant BASE = Instant.parse("2026-11-22T10:00:00Z");
  public static final String JOB = "job-1";
  public static final String SERVICE = "blast";
  public static final String RUNNER = "slurm";

  private Events() {}

  /** The fixed base instant plus {@code seconds}. */
  public static Instant t(long seconds) {
    return BASE.plusSeconds(seconds);
  }

  public static JobEvent submitted(String id, long at) {
    return submitted(id, at, JOB, List.of());
  }

  public static JobEvent submitted(
      String id, long at, String jobId, List<JobChange.Dependency> dependsOn) {
    return new JobEvent(
        id, t(at), jobId, SERVICE, new JobChange.Submitted(null, null, dependsOn, null, Map.of()));
  }

  public static JobEvent submittedWith(
      String id, long at, String triggerJson, Map<String, String> labels) {
    return new JobEvent(
        id, t(at), JOB, SERVICE, new JobChange.Submitted(null, null, null, triggerJson, labels));
  }

  public static JobEvent queued(String id, long at) {
    return queued(id, at, JOB);
  }

  public static JobEvent queued(String id, long at, String jobId) {
    return new JobEvent(id, t(at), jobId, null, new JobChange.Queued(RUNNER, null));
  }

  public static JobEvent started(String id, long at, int attempt) {
    return started(id, at, JOB, attempt);
  }

  public static JobEvent started(String id, long at, String jobId, int attempt) {
    return new JobEvent(
        id, t(at), jobId, null, new JobChange.Started(RUNNER, attempt, "node-7", null));
  }

  public static JobEvent error(String id, long at, int attempt, String message) {
    return status(id, at, attempt, message, null, null);
  }

  public static JobEvent warning(String id, long at, int attempt, String message) {
    return status(id, at, attempt, null, message, null);
  }

  public static JobEvent activity(String id, long at, int attempt, String message) {
    return status(id, at, attempt, null, null, message);
  }

  public static JobEvent status(
      String id, long at, int attempt, String error, String warning, String activity) {
    return new JobEvent(
        id, t(at), JOB, null, new JobChange.Status(attempt, error, warning, activity, null));
  }

  public static JobEvent finished(String id, long at, int attempt, int exitCode) {
    return finished(id, at, JOB, attempt, exitCode);
  }

  public static JobEvent finished(String id, long at, String jobId, int attempt, int exitCode) {
    return new JobEvent(id, t(at), jobId, null, new JobChange.Finished(attempt, exitCode));
  }

  public static JobEvent crashed(
      String id, long at, int attempt, Blame blame, String cause, String details, boolean fatal) {
    return new JobEvent(
        id, t(at), JOB, null, new JobChange.Crashed(attempt, blame, cause, details, fatal));
  }

  public static JobEvent cancelled(String id, long at) {
    return cancelled(id, at, JOB);
  }

  public static JobEvent cancelled(String id, long at, String jobId) {
    return new JobEvent(id, t(at), jobId, null, new JobChange.Cancelled("withdrawn"));
  }

  public static JobEvent requeued(String id, long at, int attempt) {
    return new JobEvent(id, t(at), JOB, null, new JobChange.Requeued(attempt, "node lost"));
  }

  public static JobChange.Dependency needs(String jobId, JobState... accept) {
    return new JobChange.Dependency(jobId, List.of(accept));
  }

  /** The key of a stage of the default service and runner. */
  public static StageKey stage(String stage) {
    return new StageKey(SERVICE, RUNNER, stage);
  }

  public static StageObservation ok(String id, long at, StageKey key) {
    return StageObservation.ok(id, t(at), key);
  }

  public static StageObservation failure(String id, long at, StageKey key, String errorClass) {
    return StageObservation.error(id, t(at), key, errorClass, errorClass + " in " + id, JOB, null);
  }

  public static StageObservation failure(
      String id, long at, StageKey key, String errorClass, Severity explicit) {
    return StageObservation.error(
        id, t(at), key, errorClass, errorClass + " in " + id, JOB, explicit);
  }
}
