-- What each open job waits on, with the rules of io.jobwatch.core.Dependencies:
-- satisfied (ended in an accepted state), waiting (not ended, or never seen), unsatisfiable
-- (ended outside accept, or itself unsatisfiable: propagated), invalid (self-dependency).
CREATE VIEW job_waits AS
WITH RECURSIVE doomed(job_id) AS (
    SELECT d.job_id
      FROM job_dependencies d
      JOIN jobs j ON j.job_id = d.job_id
      LEFT JOIN jobs t ON t.job_id = d.depends_on
     WHERE j.state IN ('submitted', 'queued', 'waiting', 'running')
       AND (d.depends_on = d.job_id
            OR (t.state IN ('succeeded', 'failed', 'crashed', 'cancelled')
                AND NOT t.state = ANY (d.accept)))
    UNION
    SELECT d.job_id
      FROM job_dependencies d
      JOIN doomed x ON x.job_id = d.depends_on
      JOIN jobs j ON j.job_id = d.job_id
     WHERE j.state IN ('submitted', 'queued', 'waiting', 'running')
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
         ELSE 'waiting'
       END                                        AS status,
       (d.job_id IN (SELECT job_id FROM doomed))  AS job_unsatisfiable
  FROM job_dependencies d
  JOIN jobs j ON j.job_id = d.job_id
  LEFT JOIN jobs t ON t.job_id = d.depends_on;

-- Pending jobs whose every dependency is satisfied, the last one ended at least 10 minutes ago:
-- a scheduler probably missed a wake-up.
CREATE VIEW stuck_jobs AS
SELECT w.job_id, j.service, j.state, max(w.dependency_finished_at) AS last_dependency_ended_at
  FROM job_waits w
  JOIN jobs j ON j.job_id = w.job_id
 WHERE j.state IN ('submitted', 'queued', 'waiting')
 GROUP BY w.job_id, j.service, j.state
HAVING bool_and(w.status = 'satisfied')
   AND max(w.dependency_finished_at) < now() - interval '10 minutes';

-- A read-only role for operators (psql, Grafana, notebooks). NOLOGIN: grant it to login roles.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jobwatch_operator') THEN
    CREATE ROLE jobwatch_operator NOLOGIN;
  END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO jobwatch_operator;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO jobwatch_operator;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO jobwatch_operator;
