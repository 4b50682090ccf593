-- Two operator views said something untrue (found by an audit):
--
-- 1. runner_health and service_health: when every stage is ok, `since` is when the runner or
--    service became ok, that is when its last failing stage recovered (the latest `since` of the
--    ok stages that ever failed), not the earliest `since` of any stage; a service that was in
--    error until ten minutes ago read "ok since this morning". Stages that never failed say
--    nothing about a recovery; when no stage ever failed, the earliest `since` stands. For worse
--    severities ties still go to the longest-standing stage. Same columns.
CREATE OR REPLACE VIEW runner_health AS
SELECT DISTINCT ON (service, runner)
       service, runner, severity, stage AS worst_stage, since
  FROM stage_health
 ORDER BY service, runner, severity DESC,
          CASE WHEN severity = 'ok' AND error_count > 0 THEN since END DESC NULLS LAST,
          since ASC, stage;

CREATE OR REPLACE VIEW service_health AS
SELECT DISTINCT ON (service)
       service, severity, stage AS worst_stage, runner AS worst_runner, since
  FROM stage_health
 ORDER BY service, severity DESC,
          CASE WHEN severity = 'ok' AND error_count > 0 THEN since END DESC NULLS LAST,
          since ASC, runner, stage;

-- 2. job_waits: a job that has started or ended waits on nothing. An edge it did not wait for (the
--    dependency had not ended, or was never seen, when the job went ahead) is 'not_waited_for'
--    instead of 'waiting' or 'unknown'; satisfied, unsatisfiable and invalid edges keep saying
--    what the dependency did. Same columns (V18's view otherwise); stuck_jobs, which reads only
--    pending jobs, is unchanged.
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
