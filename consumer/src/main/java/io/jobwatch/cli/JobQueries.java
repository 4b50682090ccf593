package io.jobwatch.cli;

import static io.jobwatch.cli.Rows.instant;
import static io.jobwatch.cli.Rows.integer;

import io.jobwatch.store.EventsTable;
import io.jobwatch.store.JobsTable;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * One job, what it waits on and its history, and the most recent jobs, as the CLI shows them; the
 * SQL is {@link JobsTable}'s and {@link EventsTable}'s. Stateless.
 */
final class JobQueries {
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

  /** What retention left of a job: its final state, and when it finished and was pruned. */
  record Pruned(String jobId, String state, int attempt, Instant finishedAt, Instant prunedAt) {}

  /**
   * Everything {@code jobwatch job ID} shows; {@code historyPrunedAt} is when retention sealed the
   * job (its tombstone) and dropped the events stored until then, or null.
   */
  record JobReport(
      Job job, List<Wait> waitsOn, List<HistoryEntry> history, Instant historyPrunedAt) {}

  static Optional<JobReport> report(Handle handle, String jobId) {
    return JobsTable.find(handle, jobId, (rs, ctx) -> job(rs))
        .map(
            job ->
                new JobReport(
                    job,
                    waits(handle, jobId),
                    history(handle, jobId),
                    pruned(handle, jobId).map(Pruned::prunedAt).orElse(null)));
  }

  /** The tombstone of a job whose row retention removed. */
  static Optional<Pruned> pruned(Handle handle, String jobId) {
    return JobsTable.tombstone(
        handle,
        jobId,
        (rs, ctx) ->
            new Pruned(
                jobId,
                rs.getString("state"),
                rs.getInt("attempt"),
                instant(rs, "finished_at"),
                instant(rs, "pruned_at")));
  }

  static List<Job> recent(Handle handle, int limit) {
    return JobsTable.recent(handle, limit, (rs, ctx) -> job(rs));
  }

  private static List<Wait> waits(Handle handle, String jobId) {
    return JobsTable.waitsOf(
        handle,
        jobId,
        (rs, ctx) ->
            new Wait(
                rs.getString("depends_on"),
                texts(rs.getArray("accept")),
                rs.getString("dependency_state"),
                instant(rs, "dependency_finished_at"),
                rs.getString("status")));
  }

  private static List<HistoryEntry> history(Handle handle, String jobId) {
    return EventsTable.historyOf(
        handle,
        jobId,
        (rs, ctx) ->
            new HistoryEntry(
                instant(rs, "event_time"),
                rs.getString("type"),
                rs.getString("outcome"),
                integer(rs, "attempt"),
                rs.getString("event_id"),
                rs.getString("source")));
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
