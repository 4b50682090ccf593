-- A dependency that retention pruned keeps counting with the final state its tombstone holds
-- (V11): before, a pruned dependency was "never seen", so an open job that could never run lost
-- its unsatisfiable flag and was reported stuck on an unknown (typo'd) dependency. Same views,
-- same columns; the dependency is read from jobs, else from job_tombstones.
DROP VIEW stuck_jobs;
DROP VIEW job_waits;

-- What is known of a job others depend on: its row, else the tombstone retention left of it (a
-- sealed job has both; its row wins). One place for the views below and the exporter's counts
-- (StateQueries); a plain SQL function, so the planner inlines it as two primary-key lookups.
CREATE FUNCTION dependency_of(dependency text)
    RETURNS TABLE (job_id text, state text, finished_at timestamptz)
    LANGUAGE sql STABLE
AS $$
    SELECT j.job_id, j.state, j.finished_at FROM jobs j WHERE j.job_id = dependency
    UNION ALL
    SELECT t.job_id, t.state, t.finished_at FROM job_tombstones t
     WHERE t.job_id = dependency
       AND NOT EXISTS (SELECT 1 FROM jobs x WHERE x.job_id = dependency)
$$;

-- One row per dependency edge. status:
--   invalid        the job depends on itself
--   satisfied      the dependency ended in an accepted state
--   unsatisfiable  the dependency ended outside accept, or can itself never run (propagated)
--   unknown        the dependency has never been seen, stuck_after after the job was submitted
--                  (a typo'd id, or a job that was never published); a pruned dependency is
--                  seen: its tombstone keeps its final state
--   waiting        the dependency has not ended (or not been seen yet, within stuck_after)
-- job_unsatisfiable: the job has not started and never can. A running or ended job never counts.
CREATE VIEW job_waits AS
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
      JOIN jobs j ON j.job_id = d.job_id
     WHERE j.state IN ('submitted', 'queued', 'waiting')
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
         WHEN t.job_id IS NULL
              AND coalesce(j.submitted_at, j.updated_at) < now() - s.stuck_after THEN 'unknown'
         ELSE 'waiting'
       END                                        AS status,
       (d.job_id IN (SELECT job_id FROM doomed))  AS job_unsatisfiable
  FROM job_dependencies d
  JOIN jobs j ON j.job_id = d.job_id
  LEFT JOIN LATERAL dependency_of(d.depends_on) t ON true
  CROSS JOIN dependency_settings s;

-- Jobs still waiting on their dependencies although they should not be, after stuck_after:
--   dependencies_ended  every dependency is satisfied, the last one ended stuck_after ago or more:
--                       a scheduler probably missed a wake-up
--   unknown_dependency  a dependency has never been seen (status unknown): probably a typo'd id
-- Only jobs waiting on dependencies count: 'submitted', or 'waiting' for dependencies (or for no
-- stated reason). A 'queued' job was handed to a queuing system and waits for capacity; a job
-- waiting for locks or resources waits for something else. Jobs that can never run are in
-- job_waits.job_unsatisfiable instead.
CREATE VIEW stuck_jobs AS
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
 GROUP BY w.job_id, j.service, j.state, s.stuck_after
HAVING NOT bool_or(w.job_unsatisfiable)
   AND (bool_or(w.status = 'unknown')
        OR (bool_and(w.status = 'satisfied')
            AND max(w.dependency_finished_at) < now() - s.stuck_after));

GRANT SELECT ON job_waits, stuck_jobs TO jobwatch_operator;
