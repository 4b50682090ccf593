package io.jobwatch.cli;

import static io.jobwatch.cli.Rows.instant;
import static io.jobwatch.cli.Rows.integer;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Reads one job, what it waits on and its history, and the most recent jobs. Stateless. */
final class JobQueries {
  private static final String JOB =
      """
      SELECT job_id, service, runner, monitor, state, attempt, exit_code, blame, cause, details,
             fatal, runtime_error, runtime_error_count, runtime_warning, runtime_activity, reusable,
             host, waiting_reason, submitted_at, started_at, finished_at, updated_at
        FROM jobs
      """;

  private static final String WAITS =
      """
      SELECT depends_on, accept, dependency_state, dependency_finished_at, status
        FROM job_waits WHERE job_id = :job ORDER BY depends_on
      """;

  private static final String HISTORY =
      """
      SELECT event_time, type, outcome, (envelope -> 'data' ->> 'attempt')::integer AS attempt,
             event_id, source
        FROM job_events WHERE job_id = :job ORDER BY event_time, received_at, event_id
      """;

  private JobQueries() {}

  /** The {@code jobs} row of one job. */
  record Job(
      String jobId,
      String service,
      String runner,
      String monitor,
      String state,
      int attempt,
      Integer exitCode,
      String blame,
      String cause,
      String details,
      boolean fatal,
      String runtimeError,
      int runtimeErrorCount,
      String runtimeWarning,
      String runtimeActivity,
      boolean reusable,
      String host,
      String waitingReason,
      Instant submittedAt,
      Instant startedAt,
      Instant finishedAt,
      Instant updatedAt) {}

  /** One dependency of a job, from the {@code job_waits} view. */
  record Wait(
      String dependsOn,
      List<String> accept,
      String dependencyState,
      Instant dependencyFinishedAt,
      String status) {}

  /** One accepted event of a job, from {@code job_events}. */
  record HistoryEntry(
      Instant time, String type, String outcome, Integer attempt, String eventId, String source) {}

  /** Everything {@code jobwatch job ID} shows. */
  record JobReport(Job job, List<Wait> waitsOn, List<HistoryEntry> history) {}

  static Optional<JobReport> report(Handle handle, String jobId) {
    return handle
        .createQuery(JOB + " WHERE job_id = :job")
        .bind("job", jobId)
        .map((rs, ctx) -> job(rs))
        .findOne()
        .map(job -> new JobReport(job, waits(handle, jobId), history(handle, jobId)));
  }

  static List<Job> recent(Handle handle, int limit) {
    return handle
        .createQuery(JOB + " ORDER BY updated_at DESC, job_id LIMIT :limit")
        .bind("limit", limit)
        .map((rs, ctx) -> job(rs))
        .list();
  }

  private static List<Wait> waits(Handle handle, String jobId) {
    return handle
        .createQuery(WAITS)
        .bind("job", jobId)
        .map(
            (rs, ctx) ->
                new Wait(
                    rs.getString("depends_on"),
                    texts(rs.getArray("accept")),
                    rs.getString("dependency_state"),
                    instant(rs, "dependency_finished_at"),
                    rs.getString("status")))
        .list();
  }

  private static List<HistoryEntry> history(Handle handle, String jobId) {
    return handle
        .createQuery(HISTORY)
        .bind("job", jobId)
        .map(
            (rs, ctx) ->
                new HistoryEntry(
                    instant(rs, "event_time"),
                    rs.getString("type"),
                    rs.getString("outcome"),
                    integer(rs, "attempt"),
                    rs.getString("event_id"),
                    rs.getString("source")))
        .list();
  }

  private static Job job(ResultSet rs) throws SQLException {
    return new Job(
        rs.getString("job_id"),
        rs.getString("service"),
        rs.getString("runner"),
        rs.getString("monitor"),
        rs.getString("state"),
        rs.getInt("attempt"),
        integer(rs, "exit_code"),
        rs.getString("blame"),
        rs.getString("cause"),
        rs.getString("details"),
        rs.getBoolean("fatal"),
        rs.getString("runtime_error"),
        rs.getInt("runtime_error_count"),
        rs.getString("runtime_warning"),
        rs.getString("runtime_activity"),
        rs.getBoolean("reusable"),
        rs.getString("host"),
        rs.getString("waiting_reason"),
        instant(rs, "submitted_at"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        instant(rs, "updated_at"));
  }

  private static List<String> texts(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
