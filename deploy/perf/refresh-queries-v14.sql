-- Issue 11.4/11.6: the exporter's refresh queries since V14 (store/StateQueries), to time them
-- beside deploy/perf/refresh-queries-v13.sql on the same seeded database:
--   psql -X -f deploy/perf/refresh-queries-v14.sql
-- (The whole refresh transaction, monitors included: io.jobwatch.bench.RefreshTiming.)
\timing on
\pset pager off
\o /dev/null
SELECT service, state, sum(jobs) AS jobs, max(last_update) AS last_update
  FROM (SELECT service, state, jobs, last_update FROM job_counts
        UNION ALL
        SELECT service, state, jobs, last_update FROM job_count_changes) AS c
 GROUP BY service, state HAVING sum(jobs) > 0 ORDER BY service, state;
WITH RECURSIVE pending AS MATERIALIZED (
    SELECT job_id, service, state, waiting_reason, coalesce(submitted_at, updated_at) AS submitted
      FROM jobs WHERE state IN ('submitted', 'queued', 'waiting')),
doomed(job_id) AS (
    SELECT d.job_id
      FROM pending p
      JOIN job_dependencies d ON d.job_id = p.job_id
      LEFT JOIN jobs t ON t.job_id = d.depends_on
     WHERE d.depends_on = d.job_id
        OR (t.state IN ('succeeded', 'failed', 'crashed', 'cancelled') AND NOT t.state = ANY (d.accept))
    UNION
    SELECT d.job_id FROM doomed x
      JOIN job_dependencies d ON d.depends_on = x.job_id
      JOIN pending p ON p.job_id = d.job_id)
SELECT coalesce(p.service, 'unknown'), '', count(*)
  FROM pending p WHERE p.job_id IN (SELECT job_id FROM doomed) GROUP BY 1;
WITH RECURSIVE pending AS MATERIALIZED (
    SELECT job_id, service, state, waiting_reason, coalesce(submitted_at, updated_at) AS submitted
      FROM jobs WHERE state IN ('submitted', 'queued', 'waiting')),
doomed(job_id) AS (
    SELECT d.job_id
      FROM pending p
      JOIN job_dependencies d ON d.job_id = p.job_id
      LEFT JOIN jobs t ON t.job_id = d.depends_on
     WHERE d.depends_on = d.job_id
        OR (t.state IN ('succeeded', 'failed', 'crashed', 'cancelled') AND NOT t.state = ANY (d.accept))
    UNION
    SELECT d.job_id FROM doomed x
      JOIN job_dependencies d ON d.depends_on = x.job_id
      JOIN pending p ON p.job_id = d.job_id)
SELECT coalesce(service, 'unknown'), '', count(*)
  FROM (SELECT p.job_id, p.service
          FROM pending p
          JOIN job_dependencies d ON d.job_id = p.job_id
          LEFT JOIN jobs t ON t.job_id = d.depends_on
         CROSS JOIN dependency_settings s
         WHERE (p.state = 'submitted'
                OR (p.state = 'waiting' AND coalesce(p.waiting_reason, 'dependencies') = 'dependencies'))
           AND p.job_id NOT IN (SELECT job_id FROM doomed)
         GROUP BY p.job_id, p.service, s.stuck_after
        HAVING bool_or(coalesce(d.depends_on <> d.job_id AND t.job_id IS NULL
                                AND p.submitted < now() - s.stuck_after, false))
            OR (bool_and(coalesce(d.depends_on <> d.job_id AND t.state = ANY (d.accept), false))
                AND max(t.finished_at) < now() - s.stuck_after)) AS stuck
 GROUP BY 1;
SELECT topic, '', count(*) FROM dead_letters WHERE replayed_at IS NULL GROUP BY topic;
SELECT service, blame, crashes FROM job_crashes;
SELECT * FROM stage_health ORDER BY service, runner, stage;
SELECT * FROM monitors ORDER BY monitor;
\o
