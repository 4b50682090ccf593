package io.jobwatch.core.job;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The current state of one job, as stored in the {@code jobs} table. Immutable and thread-safe.
 *
 * @param updatedAt the latest event time among the job's applied events (an ignored one changes
 *     nothing, this included; not the time the row was written)
 */
public record JobRow(
    String jobId,
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
    Instant updatedAt) {

  /**
   * A job can be reused (its result trusted by a scheduler) if it succeeded, or if it is running
   * and has not reported an error.
   */
  public boolean reusable() {
    return state == JobState.SUCCEEDED || (state == JobState.RUNNING && runtime.error() == null);
  }
}
