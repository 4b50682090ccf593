-- 1. job_waits: unsatisfiability propagates only through an edge that is not satisfied. A job whose
--    accept list takes the state a doomed dependency is in (accept queued, say, and the dependency
--    is queued though it can never run) can run: its edge said 'satisfied' while the job was
--    flagged job_unsatisfiable and counted in jobwatch_jobs_unsatisfiable. Same columns (V20's
--    view otherwise).
CREATE OR REPLACE VIEW job_waits AS
WITH RECURSIVE doomed(job_id) AS (
    SELECT d.job_id
      FROM job_dependencies d
      JOIN jobs j ON j.job_id = d.job_id
      LEFT JOIN LATERAL dependency_of(d.depends_on) t ON true
     WHERE j.state IN ('submitted', 'queued', 'waiting')
       AND (d.depends_on = d.job_id
            OR (t.state IN ('succeeded', 'failed', 'crashed', 'cancelled')
                AND NOT t.state = ANY (d.accept)))
    UNION
    SELECT d.job_id
      FROM job_dependencies d
      JOIN doomed x ON x.job_id = d.depends_on
      JOIN jobs t ON t.job_id = x.job_id
      JOIN jobs j ON j.job_id = d.job_id
     WHERE j.state IN ('submitted', 'queued', 'waiting')
       AND NOT t.state = ANY (d.accept)
)
SELECT d.job_id,
       j.state                                    AS job_state,
       d.depends_on,
       d.accept,
       t.state                                    AS dependency_state,
       t.finished_at                              AS dependency_finished_at,
       CASE
         WHEN d.depends_on = d.job_id THEN 'invalid'
         WHEN t.state = ANY (d.accept) THEN 'satisfied'
         WHEN t.state IN ('succeeded', 'failed', 'crashed', 'cancelled') THEN 'unsatisfiable'
         WHEN t.job_id IN (SELECT job_id FROM doomed) THEN 'unsatisfiable'
         WHEN j.state NOT IN ('submitted', 'queued', 'waiting') THEN 'not_waited_for'
         WHEN t.job_id IS NULL
              AND coalesce(j.submitted_at, j.updated_at) < now() - s.stuck_after THEN 'unknown'
         ELSE 'waiting'
       END                                        AS status,
       (d.job_id IN (SELECT job_id FROM doomed))  AS job_unsatisfiable
  FROM job_dependencies d
  JOIN jobs j ON j.job_id = d.job_id
  LEFT JOIN LATERAL dependency_of(d.depends_on) t ON true
  CROSS JOIN dependency_settings s;

-- 2. stuck_jobs listed a job as soon as it was submitted when its dependencies had ended long before
--    (found by an audit): a DAG scheduler that submits a job after its upstream finished, or a job
--    that depends on one finished yesterday, read "the scheduler missed a wake-up" within its
--    first second, and jobwatch_jobs_stuck_waiting paged platform after the alert's `for` alone.
--    Waiting is wrong only once both have passed stuck_after ago: the last dependency ended and
--    the job was submitted (the time the unknown-dependency rule already counts from). And
--    everything the job waits on must have ended: an accept list met by a dependency that still
--    runs (Slurm's after:, accept running) no longer reads as "ended long ago" because another
--    dependency did. Same columns as V18.
CREATE OR REPLACE VIEW stuck_jobs AS
SELECT w.job_id,
       j.service,
       j.state,
       max(w.dependency_finished_at) FILTER (WHERE w.status = 'satisfied')
                                                  AS last_dependency_ended_at,
       CASE WHEN bool_or(w.status = 'unknown') THEN 'unknown_dependency'
            ELSE 'dependencies_ended'
       END                                        AS reason,
       coalesce(array_agg(w.depends_on ORDER BY w.depends_on) FILTER (WHERE w.status = 'unknown'),
                '{}')                             AS unknown_dependencies
  FROM job_waits w
  JOIN jobs j ON j.job_id = w.job_id
  CROSS JOIN dependency_settings s
 WHERE j.state = 'submitted'
    OR (j.state = 'waiting' AND coalesce(j.waiting_reason, 'dependencies') = 'dependencies')
 GROUP BY w.job_id, j.service, j.state, j.submitted_at, j.updated_at, s.stuck_after
HAVING NOT bool_or(w.job_unsatisfiable)
   AND (bool_or(w.status = 'unknown')
        OR (bool_and(w.status = 'satisfied'
                     AND w.dependency_state IN ('succeeded', 'failed', 'crashed', 'cancelled'))
            AND max(w.dependency_finished_at) < now() - s.stuck_after
            AND coalesce(j.submitted_at, j.updated_at) < now() - s.stuck_after));
