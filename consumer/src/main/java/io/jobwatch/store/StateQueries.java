package io.jobwatch.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Aggregate queries behind the database-derived metrics, reading open or changed state only, and
 * the fold of job count changes the exporter runs before them. Stateless and thread-safe.
 */
public final class StateQueries {
  private StateQueries() {}

  /** A count under a pair of labels, such as jobs by (service, state). */
  public record Count(String first, String second, long count) {}

  /** The instant stuck jobs are judged at; null judges at the database's now(). */
  private static final String JUDGED_AT = "cast(:judged_at AS timestamptz)";

  /** The latest end that dooms a job's dependents; null: every end read (caught up). */
  private static final String DOOMS_UNTIL = "cast(:dooms_until AS timestamptz)";

  // Issue 11.4: open pending jobs and the ones they can never get past, from jobs_open and
  // job_dependencies' keys. Same rules as the job_waits view (V21: propagated through unsatisfied
  // edges only; V24: a cycle of pending jobs through unsatisfied edges is a deadlock), which reads
  // every edge; a dependency is what dependency_of (V18) knows of it: its row, else its tombstone.
  // The cycle search walks only the edges between two pending jobs, from cycle leaders, at most
  // 15 edges deep: cycles of up to 16 jobs (V24). A dependency dooms its dependents only once it
  // ended at or before the judgement instant (judged): while a backlog drains, the scheduler's
  // answer to its end (the dependents cancelled, docs/operators.md) may still sit unread in a
  // partition behind it, so the exported count, like the stuck jobs, judges only as far as the
  // stream was read; job_waits keeps the fold of everything read. Caught up (no bound), everything
  // read dooms, as the stage series show their stored severities: an end timed ahead of the wall
  // clock (a scheduler clock ahead) is no reason to wait for the clock. Stuck jobs are judged at
  // the exporter's judgement instant, caught up too (its clock then), not at the database's now():
  // one clock for monitors, stages and jobs, the one JobwatchClockSkew watches.
  private static final String PENDING_AND_DOOMED =
      """
      WITH RECURSIVE judged AS (
          SELECT coalesce(%1$s, now()) AS at,
                 coalesce(%2$s, 'infinity'::timestamptz) AS dooms_until),
      pending AS MATERIALIZED (
          SELECT job_id, service, state, waiting_reason,
                 coalesce(submitted_at, updated_at) AS submitted
            FROM jobs WHERE state IN ('submitted', 'queued', 'waiting')),
      blocked AS MATERIALIZED (
          SELECT d.job_id, d.depends_on
            FROM pending p
            JOIN job_dependencies d ON d.job_id = p.job_id
            JOIN pending q ON q.job_id = d.depends_on
           WHERE d.depends_on <> d.job_id
             AND NOT q.state = ANY (d.accept)),
      core(job_id, depends_on) AS (
          SELECT b.job_id, b.depends_on
            FROM blocked b
           WHERE EXISTS (SELECT 1 FROM blocked i WHERE i.depends_on = b.job_id)
             AND EXISTS (SELECT 1 FROM blocked o WHERE o.job_id = b.depends_on)),
      ahead(leader, job_id, depth) AS (
          SELECT job_id, depends_on, 1 FROM core WHERE depends_on > job_id
          UNION
          SELECT a.leader, b.depends_on, a.depth + 1
            FROM ahead a
            JOIN core b ON b.job_id = a.job_id
           WHERE b.depends_on > a.leader AND a.depth < 15),
      leaders(leader) AS (
          SELECT DISTINCT a.leader
            FROM ahead a
            JOIN core b ON b.job_id = a.job_id AND b.depends_on = a.leader),
      behind(leader, job_id, depth) AS (
          SELECT b.depends_on, b.job_id, 1
            FROM core b
            JOIN leaders l ON l.leader = b.depends_on
           WHERE b.job_id > b.depends_on
          UNION
          SELECT k.leader, b.job_id, k.depth + 1
            FROM behind k
            JOIN core b ON b.depends_on = k.job_id
           WHERE b.job_id > k.leader AND k.depth < 15),
      deadlocked(job_id, depends_on) AS (
          SELECT DISTINCT b.job_id, b.depends_on
            FROM (SELECT leader, leader AS job_id, 0 AS depth FROM leaders
                  UNION ALL
                  SELECT a.leader, a.job_id, min(a.depth)
                    FROM ahead a JOIN leaders l ON l.leader = a.leader
                   GROUP BY a.leader, a.job_id) f
            JOIN core b ON b.job_id = f.job_id
           WHERE b.depends_on = f.leader
              OR EXISTS (SELECT 1 FROM behind k
                          WHERE k.leader = f.leader AND k.job_id = b.depends_on
                            AND f.depth + 1 + k.depth <= 16)),
      doomed(job_id, state) AS (
          SELECT d.job_id, p.state
            FROM pending p
            JOIN job_dependencies d ON d.job_id = p.job_id
            LEFT JOIN LATERAL dependency_of(d.depends_on) t ON true
           WHERE d.depends_on = d.job_id
              OR (t.state IN ('succeeded', 'failed', 'crashed', 'cancelled')
                  AND NOT t.state = ANY (d.accept)
                  AND (t.finished_at IS NULL OR t.finished_at <= (SELECT dooms_until FROM judged)))
          UNION
          SELECT b.job_id, p.state
            FROM blocked b
            JOIN pending p ON p.job_id = b.job_id
           WHERE (b.job_id, b.depends_on) IN (SELECT job_id, depends_on FROM deadlocked)
          UNION
          SELECT d.job_id, p.state
            FROM doomed x
            JOIN job_dependencies d ON d.depends_on = x.job_id
            JOIN pending p ON p.job_id = d.job_id
           WHERE NOT x.state = ANY (d.accept))
      """;

  // Both counts from one evaluation of the pending jobs and the doomed ones (issue 11.4): open
  // jobs that can never start (the doomed part of job_waits), and the stuck_jobs view (V21) over
  // the pending jobs only: waiting on dependencies, not doomed, and either a dependency never seen
  // after stuck_after or every dependency satisfied and ended, the last one ended and the job
  // submitted stuck_after ago or more. The doomed ids are looked up through a distinct,
  // materialized list: the recursive CTE's row estimate (millions, whatever it holds) kept its
  // NOT IN from being hashed and made the planner expect a few pending jobs, so it joined them
  // with the edges in a nested loop, quadratic in the pending jobs (50,000 pending edges: minutes
  // per refresh; docs/performance.md). "Ago" is counted from the judgement instant (never later
  // than now()): while a backlog drains, the wake-up of a job may still sit unread in another
  // partition, so the exported count, like the monitors, judges only as far as the stream was read
  // (docs/operators.md, Dependencies).
  private static final String WAITS =
      (PENDING_AND_DOOMED
              + """
          , doomed_ids AS MATERIALIZED (SELECT DISTINCT job_id FROM doomed)
          , stuck AS (
              SELECT p.job_id, p.service
                FROM pending p
                JOIN job_dependencies d ON d.job_id = p.job_id
                LEFT JOIN LATERAL dependency_of(d.depends_on) t ON true
               CROSS JOIN dependency_settings s
               CROSS JOIN judged j
               WHERE (p.state = 'submitted'
                      OR (p.state = 'waiting'
                          AND coalesce(p.waiting_reason, 'dependencies') = 'dependencies'))
                 AND p.job_id NOT IN (SELECT job_id FROM doomed_ids)
               GROUP BY p.job_id, p.service, p.submitted, s.stuck_after, j.at
              HAVING bool_or(coalesce(d.depends_on <> d.job_id AND t.job_id IS NULL
                                      AND p.submitted < j.at - s.stuck_after, false))
                  OR (bool_and(coalesce(d.depends_on <> d.job_id
                                        AND t.state = ANY (d.accept)
                                        AND t.state IN ('succeeded', 'failed', 'crashed',
                                                        'cancelled'), false))
                      AND max(t.finished_at) < j.at - s.stuck_after
                      AND p.submitted < j.at - s.stuck_after))
          SELECT 'unsatisfiable', coalesce(p.service, 'unknown'), count(*)
            FROM pending p WHERE p.job_id IN (SELECT job_id FROM doomed_ids) GROUP BY 2
          UNION ALL
          SELECT 'stuck', coalesce(service, 'unknown'), count(*) FROM stuck GROUP BY 2
          """)
          .formatted(JUDGED_AT, DOOMS_UNTIL);

  /** Folds the appended changes of job counts into {@code job_counts} (V14). */
  private static final String FOLD_JOB_COUNT_CHANGES =
      """
      WITH moved AS (DELETE FROM job_count_changes RETURNING service, state, jobs, last_update)
      INSERT INTO job_counts AS c (service, state, jobs, last_update)
      SELECT service, state, sum(jobs), max(last_update) FROM moved GROUP BY service, state
      ON CONFLICT (service, state) DO UPDATE
         SET jobs = c.jobs + excluded.jobs,
             last_update = greatest(c.last_update, excluded.last_update)
      """;

  private static final String JOB_COUNTS =
      """
      SELECT service, state, sum(jobs) AS jobs, max(last_update) AS last_update
        FROM (SELECT service, state, jobs, last_update FROM job_counts
              UNION ALL
              SELECT service, state, jobs, last_update FROM job_count_changes) AS c
       GROUP BY service, state
       ORDER BY service, state
      """;

  /** A count under a pair of labels with the latest activity among the rows counted. */
  public record ActiveCount(String first, String second, long count, Instant lastActivity) {}

  /**
   * Moves the job count changes the writers appended into {@code job_counts}; returns how many
   * change rows it folded. The exporter-lease holder calls it at each refresh; a concurrent call
   * waits for the rows the other one deletes and does not count them twice.
   */
  public static int foldJobCountChanges(Handle handle) {
    return handle.createUpdate(FOLD_JOB_COUNT_CHANGES).execute();
  }

  /**
   * Jobs by (service, state) with the latest {@code updated_at} of each group, from {@code
   * job_counts} and the changes not yet folded: as many rows as groups, whatever the number of
   * jobs. A group whose jobs all moved on or were pruned is there with 0: its service stays known.
   */
  public static List<ActiveCount> jobsByServiceAndStateWithActivity(Handle handle) {
    return handle
        .createQuery(JOB_COUNTS)
        .map(
            (rs, ctx) ->
                new ActiveCount(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getLong(3),
                    StageHealthTable.instant(rs, "last_update")))
        .list();
  }

  private static final String CRASHES = "SELECT service, blame, crashes FROM job_crashes";

  // Index-only on dead_letters_unreplayed (V14): as many rows as letters waiting for a replay.
  private static final String DEAD_LETTERS =
      "SELECT topic, '', count(*) FROM dead_letters WHERE replayed_at IS NULL GROUP BY topic";

  public static List<Count> crashesByServiceAndBlame(Handle handle) {
    return counts(handle, CRASHES);
  }

  /**
   * Open jobs that can never start (the count of {@code job_waits}' doomed jobs) and jobs of the
   * {@code stuck_jobs} view, each by service.
   */
  public record Waits(List<Count> unsatisfiable, List<Count> stuck) {}

  /**
   * {@link Waits} from one statement, stuck jobs judged at the database's {@code now()}, every
   * dependency read that ended outside {@code accept} dooming its dependents (the views' rules).
   */
  public static Waits waitsByService(Handle handle) {
    return waitsByService(handle, null, false);
  }

  /**
   * {@link Waits} from one statement, stuck jobs judged at {@code judgedAt} (the exporter's
   * judgement instant: the stream's watermark while the pipeline is behind, its clock once caught
   * up; null: the database's {@code now()}). While {@code behind}, only dependencies that ended by
   * {@code judgedAt} doom their dependents; caught up, every dependency read that ended outside
   * {@code accept} dooms.
   */
  public static Waits waitsByService(Handle handle, Instant judgedAt, boolean behind) {
    List<Count> unsatisfiable = new ArrayList<>();
    List<Count> stuck = new ArrayList<>();
    handle
        .createQuery(WAITS)
        .bind("judged_at", judgedAt == null ? null : judgedAt.toString())
        .bind("dooms_until", behind && judgedAt != null ? judgedAt.toString() : null)
        .map((rs, ctx) -> Map.entry(rs.getString(1), new Count(rs.getString(2), "", rs.getLong(3))))
        .forEach(row -> (row.getKey().equals("stuck") ? stuck : unsatisfiable).add(row.getValue()));
    return new Waits(unsatisfiable, stuck);
  }

  /** The SQL of each query of the exporter's refresh, for plan checks (EXPLAIN) in tests. */
  public static List<String> refreshQueries() {
    return List.of(
        JOB_COUNTS,
        WAITS.replace(JUDGED_AT, "now()").replace(DOOMS_UNTIL, "now()"),
        DEAD_LETTERS,
        CRASHES,
        FOLD_JOB_COUNT_CHANGES);
  }

  public static List<Count> deadLettersByTopic(Handle handle) {
    return counts(handle, DEAD_LETTERS);
  }

  private static List<Count> counts(Handle handle, String sql) {
    return handle
        .createQuery(sql)
        .map((rs, ctx) -> new Count(rs.getString(1), rs.getString(2), rs.getLong(3)))
        .list();
  }
}
