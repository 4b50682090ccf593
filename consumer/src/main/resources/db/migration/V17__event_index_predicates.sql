-- Issues 11.4 and 12: two of job_events' four indexes get a predicate.
--
-- job_events_subject: the events of jobs are found by job_events_job (job_id, event_time), and
-- their subject is their job id, so indexing them by subject too only cost an index entry per job
-- event. It now holds the stage and monitor events (job_id IS NULL), which is what reads it: the
-- monitor_declarations view, which now says so.
--
-- job_events_received: serves the oldest stored event (retention metrics), whose query names the
-- predicate. Without one, the planner could pick it for the batch's event id look-up
-- (event_id = ANY(...) AND received_at >= since) on a day partition that has no statistics yet
-- and read the whole day instead of probing the primary key.
DROP INDEX job_events_subject;
CREATE INDEX job_events_subject ON job_events (subject, event_time) WHERE job_id IS NULL;
DROP INDEX job_events_received;
CREATE INDEX job_events_received ON job_events (received_at) WHERE outcome IS NOT NULL;

CREATE OR REPLACE VIEW monitor_declarations AS
SELECT m.monitor,
       d.data ->> 'owner' AS owner,
       d.data             AS declaration,
       d.event_time       AS declared_at,
       m.retired_at IS NOT NULL AND (m.declared_at IS NULL OR m.declared_at <= m.retired_at)
                          AS retired
  FROM monitors m
  CROSS JOIN LATERAL (
        SELECT e.envelope -> 'data' AS data, e.event_time
          FROM job_events e
         WHERE e.subject = m.monitor AND e.type = 'monitor.declared' AND e.job_id IS NULL
         ORDER BY e.event_time DESC, e.event_id DESC
         LIMIT 1) d;
