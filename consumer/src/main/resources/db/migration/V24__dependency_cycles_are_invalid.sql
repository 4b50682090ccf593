-- job_waits: a cycle of dependencies between jobs that have not started is a deadlock, like a
-- self-dependency one edge longer. J1 depending on J2 and J2 on J1 (or J1 -> J2 -> J3 -> J1), all
-- submitted, queued or waiting, stayed 'waiting' for ever: no scheduler can start any of them,
-- yet nothing counted them in jobwatch_jobs_unsatisfiable, JobwatchJobsUnsatisfiable never fired
-- and stuck_jobs did not list them. Every edge on such a cycle is now 'invalid' (can never be
-- satisfied by construction), so its jobs are unsatisfiable and that propagates as before
-- (through every edge that is not satisfied). A cycle is a deadlock only while none of its jobs
-- has started and none of its edges is satisfied (an accept list taking the state its dependency
-- is in): one that runs, ended, or is let through by its accept list can still move, and keeps
-- the other rules. Judged on the current rows, like every status: a resubmission in force that
-- drops an edge of the cycle, or a job of it that starts, clears it.
--
-- The search starts only from edges between two pending jobs (jobs_open, then job_dependencies
-- by key; never a scan of every job) that are not satisfied: 'blocked'. A blocked edge J -> D is
-- on a cycle when D reaches J. Every cycle has a leader, its least job_id, and all its other
-- jobs come after the leader: ahead(L, X) holds the jobs X that L reaches through jobs after L,
-- L leads a cycle when one of them depends on L, and behind(L, X) holds the jobs X that reach
-- leader L through jobs after L. An edge J -> D lies on a cycle led by L exactly when J is L or
-- ahead of it and D is L or behind it. UNION keeps each (leader, job) pair once, so the
-- recursion ends on any graph; walking only through jobs after the leader keeps it short on the
-- graphs schedulers build (random ids: a walk stops at the first job ordered before its start;
-- ids that grow with submission, dependants after dependencies: ahead stops at once). Walks
-- are at most 15 edges long and an edge is invalid when it closes a cycle of at most 16 jobs
-- (depth of the job ahead of the leader + 1 + depth of its dependency behind it): each
-- recursion pass joins the pending edges once, so the cost is at most 15 passes over them
-- whatever the chains of pending jobs (unbounded, a chain of n pending jobs took n passes). Same
-- columns as V21's view; stuck_jobs reads job_unsatisfiable and is unchanged. The exporter's
-- count (StateQueries) follows the same rule.
CREATE OR REPLACE VIEW job_waits AS
WITH RECURSIVE blocked(job_id, depends_on) AS (
    SELECT d.job_id, d.depends_on
      FROM jobs j
      JOIN job_dependencies d ON d.job_id = j.job_id
      JOIN jobs t ON t.job_id = d.depends_on
     WHERE j.state IN ('submitted', 'queued', 'waiting')
       AND t.state IN ('submitted', 'queued', 'waiting')
       AND d.depends_on <> d.job_id
       AND NOT t.state = ANY (d.accept)
),
core(job_id, depends_on) AS (
    SELECT b.job_id, b.depends_on
      FROM blocked b
     WHERE EXISTS (SELECT 1 FROM blocked i WHERE i.depends_on = b.job_id)
       AND EXISTS (SELECT 1 FROM blocked o WHERE o.job_id = b.depends_on)
),
ahead(leader, job_id, depth) AS (
    SELECT job_id, depends_on, 1 FROM core WHERE depends_on > job_id
    UNION
    SELECT a.leader, b.depends_on, a.depth + 1
      FROM ahead a
      JOIN core b ON b.job_id = a.job_id
     WHERE b.depends_on > a.leader AND a.depth < 15
),
leaders(leader) AS (
    SELECT DISTINCT a.leader
      FROM ahead a
      JOIN core b ON b.job_id = a.job_id AND b.depends_on = a.leader
),
behind(leader, job_id, depth) AS (
    SELECT b.depends_on, b.job_id, 1
      FROM core b
      JOIN leaders l ON l.leader = b.depends_on
     WHERE b.job_id > b.depends_on
    UNION
    SELECT k.leader, b.job_id, k.depth + 1
      FROM behind k
      JOIN core b ON b.depends_on = k.job_id
     WHERE b.job_id > k.leader AND k.depth < 15
),
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
                      AND f.depth + 1 + k.depth <= 16)
),
doomed(job_id) AS (
    SELECT d.job_id
      FROM job_dependencies d
      JOIN jobs j ON j.job_id = d.job_id
      LEFT JOIN LATERAL dependency_of(d.depends_on) t ON true
     WHERE j.state IN ('submitted', 'queued', 'waiting')
       AND (d.depends_on = d.job_id
            OR (t.state IN ('succeeded', 'failed', 'crashed', 'cancelled')
                AND NOT t.state = ANY (d.accept)))
    UNION
    SELECT job_id FROM deadlocked
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
         WHEN (d.job_id, d.depends_on) IN (SELECT job_id, depends_on FROM deadlocked)
              THEN 'invalid'
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
