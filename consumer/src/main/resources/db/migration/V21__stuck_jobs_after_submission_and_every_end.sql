-- stuck_jobs listed a job as soon as it was submitted when its dependencies had ended long before
-- (found by an audit): a DAG scheduler that submits a job after its upstream finished, or a job
-- that depends on one finished yesterday, read "the scheduler missed a wake-up" within its first
-- second, and jobwatch_jobs_stuck_waiting paged platform after the alert's `for` alone. Waiting is
-- wrong only once both have passed stuck_after ago: the last dependency ended and the job was
-- submitted (the time the unknown-dependency rule already counts from). And everything the job
-- waits on must have ended: an accept list met by a dependency that still runs (Slurm's after:,
-- accept running) no longer reads as "ended long ago" because another dependency did. Same
-- columns as V18.
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
