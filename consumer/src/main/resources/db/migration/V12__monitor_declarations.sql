-- Issue 14 (monitors as code): the declaration in force of each monitor as its latest
-- monitor.declared carried it, with the optional owner that `jobwatch monitors apply --owner`
-- records. The event history stays the single truth; this view only reads it. On equal event times
-- the fold orders declarations by content, this view by event id: only such a tie can differ.
CREATE VIEW monitor_declarations AS
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
         WHERE e.subject = m.monitor AND e.type = 'monitor.declared'
         ORDER BY e.event_time DESC, e.event_id DESC
         LIMIT 1) d;

GRANT SELECT ON monitor_declarations TO jobwatch_operator;
