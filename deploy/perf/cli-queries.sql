-- Issue 11.4/11.6: the SQL of `jobwatch status`, `jobwatch job ID` and `jobwatch monitors`
-- (store/StageHealthTable, JobsTable, EventsTable, MonitorsTable), timed in psql so that JVM start
-- does not hide it:  psql -X -v job=seed-009999991 -f deploy/perf/cli-queries.sql
\if :{?job}
\else
\set job seed-009999991
\endif
\timing on
\pset pager off
\o /dev/null
-- status
SELECT h.service, h.severity::text AS severity, h.worst_runner, h.worst_stage, h.since,
       s.last_error_class, s.last_error_message, s.last_error_at
  FROM service_health h
  JOIN stage_health s ON s.service = h.service AND s.runner = h.worst_runner AND s.stage = h.worst_stage
 ORDER BY h.severity DESC, h.since, h.service;
SELECT h.service, h.runner, h.severity::text AS severity, h.worst_stage, h.since,
       s.last_error_class, s.last_error_message, s.last_error_at
  FROM runner_health h
  JOIN stage_health s ON s.service = h.service AND s.runner = h.runner AND s.stage = h.worst_stage
 ORDER BY h.severity DESC, h.since, h.service, h.runner;
SELECT service, runner, stage, severity::text AS severity, since, last_error_class,
       last_error_message, last_error_at, last_ok_at, consecutive_errors, error_count
  FROM stage_health ORDER BY stage_health.severity DESC, since, service, runner, stage;
-- job ID
SELECT * FROM jobs WHERE job_id = :'job';
SELECT depends_on, accept, dependency_state, dependency_finished_at, status
  FROM job_waits WHERE job_id = :'job' ORDER BY depends_on;
SELECT event_time, type, outcome, (envelope -> 'data' ->> 'attempt')::numeric::integer AS attempt,
       event_id, source
  FROM job_events WHERE job_id = :'job' ORDER BY event_time, received_at, event_id;
-- monitors
SELECT monitor, team, status, last_success_at, deadline, expected_at, last_seen_at,
       last_failure_at
  FROM monitor_status ORDER BY monitor;
\o
