package io.jobwatch.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test data: lifecycle events of one job and stage observations, at times {@code t(seconds)}. */
final class Events {

  static final Instant BASE = Instant.parse("2026-11-22T10:00:00Z");
  static final String JOB = "job-1";
  static final String SERVICE = "blast";
  static final String RUNNER = "slurm";

  private Events() {}

  /** The fixed base instant plus {@code seconds}. */
  static Instant t(long seconds) {
    return BASE.plusSeconds(seconds);
  }

  static JobEvent submitted(String id, long at) {
    return submitted(id, at, JOB, List.of());
  }

  static JobEvent submitted(
      String id, long at, String jobId, List<JobChange.Dependency> dependsOn) {
    return new JobEvent(
        id, t(at), jobId, SERVICE, new JobChange.Submitted(null, null, dependsOn, null, Map.of()));
  }

  static JobEvent submittedWith(
      String id, long at, String triggerJson, Map<String, String> labels) {
    return new JobEvent(
        id, t(at), JOB, SERVICE, new JobChange.Submitted(null, null, null, triggerJson, labels));
  }

  static JobEvent queued(String id, long at) {
    return queued(id, at, JOB);
  }

  static JobEvent queued(String id, long at, String jobId) {
    return new JobEvent(id, t(at), jobId, null, new JobChange.Queued(RUNNER, null));
  }

  static JobEvent started(String id, long at, int attempt) {
    return started(id, at, JOB, attempt);
  }

  static JobEvent started(String id, long at, String jobId, int attempt) {
    return new JobEvent(
        id, t(at), jobId, null, new JobChange.Started(RUNNER, attempt, "node-7", null));
  }

  static JobEvent error(String id, long at, int attempt, String message) {
    return status(id, at, attempt, message, null, null);
  }

  static JobEvent warning(String id, long at, int attempt, String message) {
    return status(id, at, attempt, null, message, null);
  }

  static JobEvent activity(String id, long at, int attempt, String message) {
    return status(id, at, attempt, null, null, message);
  }

  static JobEvent status(
      String id, long at, int attempt, String error, String warning, String activity) {
    return new JobEvent(
        id, t(at), JOB, null, new JobChange.Status(attempt, error, warning, activity, null));
  }

  static JobEvent finished(String id, long at, int attempt, int exitCode) {
    return finished(id, at, JOB, attempt, exitCode);
  }

  static JobEvent finished(String id, long at, String jobId, int attempt, int exitCode) {
    return new JobEvent(id, t(at), jobId, null, new JobChange.Finished(attempt, exitCode));
  }

  static JobEvent crashed(
      String id, long at, int attempt, Blame blame, String cause, String details, boolean fatal) {
    return new JobEvent(
        id, t(at), JOB, null, new JobChange.Crashed(attempt, blame, cause, details, fatal));
  }

  static JobEvent cancelled(String id, long at) {
    return cancelled(id, at, JOB);
  }

  static JobEvent cancelled(String id, long at, String jobId) {
    return new JobEvent(id, t(at), jobId, null, new JobChange.Cancelled("withdrawn"));
  }

  static JobEvent requeued(String id, long at, int attempt) {
    return new JobEvent(id, t(at), JOB, null, new JobChange.Requeued(attempt, "node lost"));
  }

  static JobChange.Dependency needs(String jobId, JobState... accept) {
    return new JobChange.Dependency(jobId, List.of(accept));
  }

  /** The key of a stage of the default service and runner. */
  static StageKey stage(String stage) {
    return new StageKey(SERVICE, RUNNER, stage);
  }

  static StageObservation ok(String id, long at, StageKey key) {
    return StageObservation.ok(id, t(at), key);
  }

  static StageObservation failure(String id, long at, StageKey key, String errorClass) {
    return StageObservation.error(id, t(at), key, errorClass, errorClass + " in " + id, JOB, null);
  }

  static StageObservation failure(
      String id, long at, StageKey key, String errorClass, Severity explicit) {
    return StageObservation.error(
        id, t(at), key, errorClass, errorClass + " in " + id, JOB, explicit);
  }
}
