package io.jobwatch.store;

import io.jobwatch.core.job.JobRow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** SQL of the {@code jobs} table. Stateless and thread-safe. */
public final class JobsTable {
  private static final String UPSERT =
      """
      INSERT INTO jobs (job_id, service, runner, monitor, state, attempt, exit_code, blame, cause,
                        details, fatal, runtime_error, runtime_error_count, runtime_error_details,
                        runtime_warning, runtime_activity, progress, reusable, host, waiting_reason,
                        trigger, labels, submitted_at, started_at, finished_at, updated_at, written_at)
      SELECT job_id, service, runner, monitor, state, attempt, exit_code, blame, cause,
             details, fatal, runtime_error, runtime_error_count, runtime_error_details::jsonb,
             runtime_warning, runtime_activity, progress::jsonb, reusable, host, waiting_reason,
             trigger::jsonb, labels::jsonb, submitted_at::timestamptz, started_at::timestamptz,
             finished_at::timestamptz, updated_at::timestamptz, now()
        FROM unnest(:job_id::text[], :service::text[], :runner::text[], :monitor::text[],
                    :state::text[], :attempt::int[], :exit_code::int[], :blame::text[],
                    :cause::text[], :details::text[], :fatal::boolean[], :runtime_error::text[],
                    :runtime_error_count::int[], :runtime_error_details::text[],
                    :runtime_warning::text[], :runtime_activity::text[], :progress::text[],
                    :reusable::boolean[], :host::text[], :waiting_reason::text[], :trigger::text[],
                    :labels::text[], :submitted_at::text[], :started_at::text[],
                    :finished_at::text[], :updated_at::text[])
          AS r(job_id, service, runner, monitor, state, attempt, exit_code, blame, cause, details,
               fatal, runtime_error, runtime_error_count, runtime_error_details, runtime_warning,
               runtime_activity, progress, reusable, host, waiting_reason, trigger, labels,
               submitted_at, started_at, finished_at, updated_at)
      ON CONFLICT (job_id) DO UPDATE SET
        service = excluded.service, runner = excluded.runner, monitor = excluded.monitor,
        state = excluded.state, attempt = excluded.attempt, exit_code = excluded.exit_code,
        blame = excluded.blame, cause = excluded.cause, details = excluded.details,
        fatal = excluded.fatal, runtime_error = excluded.runtime_error,
        runtime_error_count = excluded.runtime_error_count,
        runtime_error_details = excluded.runtime_error_details,
        runtime_warning = excluded.runtime_warning, runtime_activity = excluded.runtime_activity,
        progress = excluded.progress, reusable = excluded.reusable, host = excluded.host,
        waiting_reason = excluded.waiting_reason, trigger = excluded.trigger,
        labels = excluded.labels, submitted_at = excluded.submitted_at,
        started_at = excluded.started_at, finished_at = excluded.finished_at,
        updated_at = excluded.updated_at, written_at = excluded.written_at
      """;

  // The edges of each job become those given (distinct per job): the others of those jobs go (a
  // submission that no longer applies), the given ones are inserted or take the new accept.
  private static final String REPLACE_DEPENDENCIES =
      """
      WITH given AS (
          SELECT job_id, depends_on, string_to_array(accept, ',') AS accept
            FROM unnest(:job_id::text[], :depends_on::text[], :accept::text[])
              AS d(job_id, depends_on, accept)),
      gone AS (
          DELETE FROM job_dependencies d
           USING unnest(:jobs::text[]) AS j(job_id)
           WHERE d.job_id = j.job_id
             AND NOT EXISTS (SELECT 1 FROM given g
                              WHERE g.job_id = d.job_id AND g.depends_on = d.depends_on))
      INSERT INTO job_dependencies (job_id, depends_on, accept)
      SELECT job_id, depends_on, accept FROM given
      ON CONFLICT (job_id, depends_on) DO UPDATE SET accept = excluded.accept
        WHERE job_dependencies.accept IS DISTINCT FROM excluded.accept
      """;

  /**
   * Removes the recorded crashed attempts of some jobs that their current fold no longer shows as
   * they are (a different blame or service, or no crash at all). Planned at each execution ({@link
   * FreshPlans}): a generic plan made while the table was small scanned all of it.
   */
  private static final String REMOVE_STALE_CRASHES =
      """
      DELETE FROM job_attempt_crashes c
       WHERE c.job_id = ANY(:jobs::text[])
         AND NOT EXISTS (
               SELECT 1
                 FROM unnest(:job_id::text[], :attempt::int[], :service::text[], :blame::text[])
                   AS k(job_id, attempt, service, blame)
                WHERE (k.job_id, k.attempt, k.service, k.blame)
                    = (c.job_id, c.attempt, c.service, c.blame))
      RETURNING c.service, c.blame
      """;

  private static final String RECORD_CRASHES =
      """
      INSERT INTO job_attempt_crashes (job_id, attempt, service, blame)
      SELECT job_id, attempt, service, blame
        FROM unnest(:job_id::text[], :attempt::int[], :service::text[], :blame::text[])
          AS c(job_id, attempt, service, blame)
      ON CONFLICT (job_id, attempt) DO NOTHING
      RETURNING service, blame
      """;

  /** Adds signed deltas, which commute, so consumers of other partitions can add concurrently. */
  private static final String ADD_TO_TOTALS =
      """
      INSERT INTO job_crashes (service, blame, crashes)
      SELECT service, blame, delta
        FROM unnest(:service::text[], :blame::text[], :delta::bigint[]) AS d(service, blame, delta)
       ORDER BY service, blame
      ON CONFLICT (service, blame) DO UPDATE SET crashes = job_crashes.crashes + excluded.crashes
      """;

  /** One crashed attempt of a job. */
  public record Crash(String jobId, int attempt, String service, String blame) {}

  private JobsTable() {}

  // Issue 13.2: what `jobwatch job ID` (and the demo's recent jobs) read.
  private static final String JOB_COLUMNS =
      """
      SELECT job_id, service, runner, monitor, state, attempt, exit_code, blame, cause, details,
             fatal, runtime_error, runtime_error_count, runtime_warning, runtime_activity, reusable,
             host, waiting_reason, submitted_at, started_at, finished_at, updated_at
        FROM jobs
      """;

  private static final String WAITS_OF_JOB =
      """
      SELECT depends_on, accept, dependency_state, dependency_finished_at, status
        FROM job_waits WHERE job_id = :job ORDER BY depends_on
      """;

  /** The row of one job by its key: the columns `jobwatch job` shows (see the SQL above). */
  public static <T> Optional<T> find(Handle handle, String jobId, RowMapper<T> mapper) {
    return handle
        .createQuery(JOB_COLUMNS + " WHERE job_id = :job")
        .bind("job", jobId)
        .map(mapper)
        .findOne();
  }

  /**
   * The tombstone retention left of one job, if any: columns state, attempt, finished_at,
   * pruned_at.
   */
  public static <T> Optional<T> tombstone(Handle handle, String jobId, RowMapper<T> mapper) {
    return handle
        .createQuery(
            "SELECT state, attempt, finished_at, pruned_at FROM job_tombstones WHERE job_id = :job")
        .bind("job", jobId)
        .map(mapper)
        .findOne();
  }

  /** The {@code limit} most recently updated jobs, newest first (same columns as {@link #find}). */
  public static <T> List<T> recent(Handle handle, int limit, RowMapper<T> mapper) {
    return handle
        .createQuery(JOB_COLUMNS + " ORDER BY updated_at DESC, job_id LIMIT :limit")
        .bind("limit", limit)
        .map(mapper)
        .list();
  }

  /**
   * What one job waits on, from the {@code job_waits} view: columns depends_on, accept,
   * dependency_state, dependency_finished_at, status.
   */
  public static <T> List<T> waitsOf(Handle handle, String jobId, RowMapper<T> mapper) {
    return handle.createQuery(WAITS_OF_JOB).bind("job", jobId).map(mapper).list();
  }

  /**
   * Writes the rows in one statement; a job's row is always its complete fold. Rows are written in
   * job id order: when two consumers write the same jobs (a job whose events came on two
   * partitions), they lock them in the same order and wait for each other instead of deadlocking.
   */
  public static void upsert(Handle handle, List<JobRow> unordered) {
    if (unordered.isEmpty()) {
      return;
    }
    List<JobRow> rows = new ArrayList<>(unordered);
    rows.sort(Comparator.comparing(JobRow::jobId));
    int written =
        handle
            .createUpdate(UPSERT)
            .bind("job_id", Columns.text(rows, JobRow::jobId))
            .bind("service", Columns.text(rows, JobRow::service))
            .bind("runner", Columns.text(rows, JobRow::runner))
            .bind("monitor", Columns.text(rows, JobRow::monitor))
            .bind("state", Columns.text(rows, row -> row.state().wireName()))
            .bind("attempt", Columns.integer(rows, JobRow::attempt))
            .bind("exit_code", Columns.integer(rows, JobRow::exitCode))
            .bind(
                "blame",
                Columns.text(rows, row -> row.blame() == null ? null : row.blame().wireName()))
            .bind("cause", Columns.text(rows, JobRow::cause))
            .bind("details", Columns.text(rows, JobRow::details))
            .bind("fatal", Columns.bool(rows, JobRow::fatal))
            .bind("runtime_error", Columns.text(rows, row -> row.runtime().errorSummary()))
            .bind("runtime_error_count", Columns.integer(rows, row -> errorCount(row)))
            .bind(
                "runtime_error_details",
                Columns.text(
                    rows,
                    row ->
                        row.runtime().errorDetails().isEmpty()
                            ? null
                            : Json.write(row.runtime().errorDetails())))
            .bind("runtime_warning", Columns.text(rows, row -> row.runtime().warning()))
            .bind("runtime_activity", Columns.text(rows, row -> row.runtime().activity()))
            .bind("progress", Columns.text(rows, row -> Json.write(row.runtime().progress())))
            .bind("reusable", Columns.bool(rows, JobRow::reusable))
            .bind("host", Columns.text(rows, JobRow::host))
            .bind("waiting_reason", Columns.text(rows, JobRow::waitingReason))
            .bind("trigger", Columns.text(rows, JobRow::triggerJson))
            .bind(
                "labels",
                Columns.text(rows, row -> row.labels().isEmpty() ? null : Json.write(row.labels())))
            .bind("submitted_at", Columns.instant(rows, JobRow::submittedAt))
            .bind("started_at", Columns.instant(rows, JobRow::startedAt))
            .bind("finished_at", Columns.instant(rows, JobRow::finishedAt))
            .bind("updated_at", Columns.instant(rows, JobRow::updatedAt))
            .execute();
    Checks.expectRows("upsert jobs", rows.size(), written);
  }

  private static int errorCount(JobRow row) {
    return row.runtime().error() == null ? 0 : 1 + row.runtime().additionalErrors();
  }

  /**
   * Records what the jobs whose submission applied in this batch wait on: each job's edges become
   * its row's (those of a submission that no longer applies go; a changed {@code accept} is taken),
   * one per dependency, the first listed.
   */
  public static void insertDependencies(Handle handle, List<JobRow> submitted) {
    if (submitted.isEmpty()) {
      return;
    }
    List<String[]> edges = new ArrayList<>();
    Set<String> jobs = new LinkedHashSet<>();
    for (JobRow row : submitted) {
      jobs.add(row.jobId());
      Set<String> seen = new HashSet<>();
      for (var dependency : row.dependsOn()) {
        if (seen.add(dependency.jobId())) { // one edge per dependency, as the contract's first
          edges.add(
              new String[] {
                row.jobId(),
                dependency.jobId(),
                String.join(",", dependency.accept().stream().map(s -> s.wireName()).toList())
              });
        }
      }
    }
    handle
        .createUpdate(REPLACE_DEPENDENCIES)
        .bind("jobs", jobs.toArray(String[]::new))
        .bind("job_id", Columns.text(edges, edge -> edge[0]))
        .bind("depends_on", Columns.text(edges, edge -> edge[1]))
        .bind("accept", Columns.text(edges, edge -> edge[2]))
        .execute();
  }

  /**
   * Makes the recorded crashed attempts of {@code jobIds} exactly {@code crashes} (their current
   * fold), and moves the totals in {@code job_crashes} by the difference: a crash whose blame or
   * service changed leaves its old (service, blame) and joins the new one.
   */
  public static void recordCrashes(Handle handle, Collection<String> jobIds, List<Crash> crashes) {
    if (jobIds.isEmpty()) {
      return;
    }
    Map<List<String>, Long> deltas = new TreeMap<>(Comparator.comparing(List::toString));
    String[] jobIdColumn = Columns.text(crashes, Crash::jobId);
    Integer[] attemptColumn = Columns.integer(crashes, Crash::attempt);
    String[] serviceColumn = Columns.text(crashes, Crash::service);
    String[] blameColumn = Columns.text(crashes, Crash::blame);
    handle
        .createQuery(REMOVE_STALE_CRASHES)
        .addCustomizer(FreshPlans.INSTANCE)
        .bind("jobs", jobIds.toArray(String[]::new))
        .bind("job_id", jobIdColumn)
        .bind("attempt", attemptColumn)
        .bind("service", serviceColumn)
        .bind("blame", blameColumn)
        .map((rs, ctx) -> List.of(rs.getString("service"), rs.getString("blame")))
        .forEach(group -> deltas.merge(group, -1L, Long::sum));
    if (!crashes.isEmpty()) {
      handle
          .createQuery(RECORD_CRASHES)
          .bind("job_id", jobIdColumn)
          .bind("attempt", attemptColumn)
          .bind("service", serviceColumn)
          .bind("blame", blameColumn)
          .map((rs, ctx) -> List.of(rs.getString("service"), rs.getString("blame")))
          .forEach(group -> deltas.merge(group, 1L, Long::sum));
    }
    deltas.values().removeIf(delta -> delta == 0);
    if (deltas.isEmpty()) {
      return;
    }
    List<Map.Entry<List<String>, Long>> rows = List.copyOf(deltas.entrySet());
    handle
        .createUpdate(ADD_TO_TOTALS)
        .bind("service", Columns.text(rows, row -> row.getKey().get(0)))
        .bind("blame", Columns.text(rows, row -> row.getKey().get(1)))
        .bind("delta", Columns.bigint(rows, Map.Entry::getValue))
        .execute();
  }
}
