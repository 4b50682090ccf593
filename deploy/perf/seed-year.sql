-- Issue 11.4/11.6: fills a MIGRATED, EMPTY jobwatch database with what a busy platform holds
-- after a year of retention-managed operation, so that state queries, retention and batch writes
-- can be measured at scale (docs/performance.md, "After a year"). Run through deploy/perf/seed-year.sh
-- (which migrates first), or by hand:
--
--   jobwatch migrate            # JOBWATCH_DB_URL=... the empty database
--   psql -v jobs=10000000 -v events=50000000 -f deploy/perf/seed-year.sql <db>
--
-- What goes in (defaults; -v jobs=N -v events=N -v open=N scale them):
--   jobs              10,000,000 over the last 100 days, ids seed-000000001..; the newest :open
--                     (5,000) are open (running 40%, queued 30%, waiting 20%, submitted 10%),
--                     the rest terminal (succeeded 90%, failed 7%, crashed 1%, cancelled 2%);
--                     50 services (100 consecutive jobs each), 200 runners, every 100th job run by one of 200 monitors
--   job_dependencies  every 5th job depends on the job before it; every waiting or submitted job
--                     also on the job 1,000 before it (unsatisfiable when that one failed)
--   job_events        50,000,000 over the last 30 days (one partition per day), the events of the
--                     jobs of those 30 days (~17 per job: submitted, started, status..., finished);
--                     every 50th a stage.error of a stage; plus one monitor.declared per monitor
--   stage_health      2,000 stages (50 services x 4 runners x 10 stages)
--   monitors          200, declared, every hour with 10 minutes' grace
--   dead_letters      200,000 over the last 45 days, 10% not replayed
--   crash rows        one per crashed job, job_crashes their totals
--
-- Speed: indexes of the big tables are dropped before the load and rebuilt after it, exactly as
-- the migrations defined them (definitions read from the catalog); then VACUUM ANALYZE. Run it
-- with synchronous_commit off (the script sets it for its session).
\set ON_ERROR_STOP on
\if :{?jobs}
\else
\set jobs 10000000
\endif
\if :{?events}
\else
\set events 50000000
\endif
\if :{?open}
\else
\set open 5000
\endif
\timing on
SET synchronous_commit = off;
SET maintenance_work_mem = '1GB';
SET work_mem = '256MB';

SELECT count(*) = 0 AS database_is_empty FROM jobs \gset
\if :database_is_empty
\else
\echo 'jobs is not empty: seed an empty, migrated database'
\quit
\endif

-- Day partitions for the 31 days back (the migration created today's and the 7 ahead).
SELECT count(*) FILTER (WHERE jobwatch_event_partition(day::date)) AS partitions_created
  FROM generate_series((now() AT TIME ZONE 'UTC') - interval '31 days',
                       now() AT TIME ZONE 'UTC', interval '1 day') AS day;

-- Remember, then drop, the indexes and keys of the big tables; rebuilt after the load. (An index
-- of the partitioned job_events is defined ON ONLY the parent: rebuilt on every partition.)
CREATE TEMP TABLE seed_rebuild AS
SELECT 1 AS phase, format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname,
                          pg_get_constraintdef(c.oid)) AS statement,
       format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop_statement
  FROM pg_constraint c
 WHERE c.conrelid IN ('jobs'::regclass, 'job_events'::regclass, 'job_dependencies'::regclass,
                      'dead_letters'::regclass)
   AND c.contype IN ('p', 'u')
UNION ALL
SELECT 2, replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON '),
       format('DROP INDEX %s', i.indexrelid::regclass)
  FROM pg_index i
 WHERE i.indrelid IN ('jobs'::regclass, 'job_events'::regclass, 'job_dependencies'::regclass,
                      'dead_letters'::regclass)
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid);
SELECT drop_statement FROM seed_rebuild ORDER BY phase DESC \gexec

-- Jobs. n is the job's number; its times grow with n, so the open ones are the newest.
INSERT INTO jobs (job_id, service, runner, monitor, state, attempt, exit_code, blame, cause,
                  host, labels, submitted_at, started_at, finished_at, updated_at, written_at,
                  waiting_reason)
SELECT 'seed-' || lpad(n::text, 9, '0'),
       'svc-' || lpad((n / 100 % 50)::text, 2, '0'),
       'runner-' || lpad((n / 100 % 50 + 50 * (n % 4))::text, 3, '0'),
       CASE WHEN n % 100 = 0 THEN 'seedmon-' || lpad((n / 100 % 200)::text, 3, '0') END,
       s.state,
       1 + (n % 20 = 0)::int,
       CASE s.state WHEN 'succeeded' THEN 0 WHEN 'failed' THEN 1 WHEN 'crashed' THEN 137 END,
       CASE WHEN s.state = 'crashed' THEN 'platform' WHEN s.state = 'failed' THEN 'task' END,
       CASE WHEN s.state = 'crashed' THEN 'OOMKilled' END,
       'host-' || (n % 100),
       jsonb_build_object('team', 'team-' || (n % 12)),
       t.submitted,
       CASE WHEN s.state NOT IN ('queued', 'waiting', 'submitted') THEN t.submitted + interval '10 s' END,
       CASE WHEN s.open THEN NULL ELSE t.submitted + (10 + n % 600) * interval '1 s' END,
       CASE WHEN s.open THEN t.submitted + interval '10 s'
            ELSE t.submitted + (10 + n % 600) * interval '1 s' END,
       CASE WHEN s.open THEN t.submitted + interval '10 s'
            ELSE t.submitted + (10 + n % 600) * interval '1 s' END,
       CASE WHEN s.state = 'waiting' THEN 'dependencies' END
  FROM generate_series(1, :jobs) AS n
  CROSS JOIN LATERAL (SELECT now() - interval '100 days' * (1 - n::float8 / :jobs)
                             - interval '15 minutes' AS submitted) t
  CROSS JOIN LATERAL (
        SELECT n > :jobs - :open AS open,
               CASE WHEN n > :jobs - :open THEN
                      CASE WHEN n % 10 < 4 THEN 'running' WHEN n % 10 < 7 THEN 'queued'
                           WHEN n % 10 < 9 THEN 'waiting' ELSE 'submitted' END
                    WHEN n % 100 < 90 THEN 'succeeded' WHEN n % 100 < 97 THEN 'failed'
                    WHEN n % 100 < 98 THEN 'crashed' ELSE 'cancelled' END AS state) s;

INSERT INTO job_dependencies (job_id, depends_on, accept)
SELECT 'seed-' || lpad(n::text, 9, '0'), 'seed-' || lpad((n - 1)::text, 9, '0'), '{succeeded}'::text[]
  FROM generate_series(5, :jobs, 5) AS n
UNION ALL
SELECT 'seed-' || lpad(n::text, 9, '0'), 'seed-' || lpad((n - 1000)::text, 9, '0'), '{succeeded}'::text[]
  FROM generate_series(:jobs - :open + 1, :jobs) AS n
 WHERE n % 10 >= 7 AND n % 5 <> 0;

INSERT INTO job_attempt_crashes (job_id, attempt, service, blame, counted_at)
SELECT job_id, attempt, service, blame, finished_at FROM jobs WHERE state = 'crashed';
INSERT INTO job_crashes (service, blame, crashes)
SELECT service, blame, count(*) FROM job_attempt_crashes GROUP BY 1, 2;

-- Events of the jobs of the last 30 days: event e belongs to job j(e), events of a job are
-- consecutive and arrive within a minute of the job's submission.
INSERT INTO job_events (event_id, job_id, subject, type, event_time, source, outcome, topic,
                        kafka_partition, kafka_offset, envelope, received_at)
SELECT 'ev-' || e,
       CASE WHEN x.stage THEN NULL ELSE x.job_id END,
       CASE WHEN x.stage THEN 'svc-' || lpad((x.j / 100 % 50)::text, 2, '0') || '/runner-'
                              || lpad((x.j / 100 % 50 + 50 * (x.j % 4))::text, 3, '0') || '/stage-' || (e % 10)
            ELSE x.job_id END,
       x.type,
       x.at,
       'seed',
       'applied',
       CASE WHEN x.stage THEN 'jobwatch.errors' ELSE 'jobwatch.lifecycle' END,
       (x.j % 12)::int,
       e,
       jsonb_build_object('specversion', '1.0', 'id', 'ev-' || e, 'type', x.type,
                          'source', 'seed', 'time', x.at,
                          'data', jsonb_build_object('job_id', x.job_id, 'attempt', 1,
                                                     'service', 'svc-' || lpad((x.j / 100 % 50)::text, 2, '0'),
                                                     'runner', 'runner-' || lpad((x.j / 100 % 50 + 50 * (x.j % 4))::text, 3, '0'))),
       x.at + interval '50 ms'
  FROM generate_series(1, :events) AS e
  CROSS JOIN LATERAL (SELECT (:jobs * 0.7)::bigint + 1
                             + ((e - 1) * (:jobs * 0.3)::bigint / :events) AS j) jj
  CROSS JOIN LATERAL (
        SELECT jj.j,
               'seed-' || lpad(jj.j::text, 9, '0') AS job_id,
               e % 50 = 25 AS stage,
               CASE WHEN e % 50 = 25 THEN 'stage.error'
                    WHEN e % 17 = 1 THEN 'job.submitted' WHEN e % 17 = 2 THEN 'job.started'
                    WHEN e % 17 = 0 THEN 'job.finished' ELSE 'job.status' END AS type,
               least(now() - interval '100 days' * (1 - jj.j::float8 / :jobs) - interval '15 minutes'
                       + (e % 17) * interval '3 s',
                     now() - interval '1 minute') AS at) x;

INSERT INTO monitors (monitor, team, schedule_every, grace, declared_at, last_start_at,
                      last_success_at, last_finish_at, last_seen_at, updated_at)
SELECT 'seedmon-' || lpad(m::text, 3, '0'), 'team-' || (m % 12), interval '1 hour',
       interval '10 minutes', now() - interval '29 days', now() - interval '20 minutes',
       now() - interval '19 minutes', now() - interval '19 minutes', now() - interval '19 minutes',
       now() - interval '19 minutes'
  FROM generate_series(0, 199) AS m;

INSERT INTO job_events (event_id, job_id, subject, type, event_time, source, outcome, topic,
                        kafka_partition, kafka_offset, envelope, received_at)
SELECT 'ev-declared-' || m, NULL, 'seedmon-' || lpad(m::text, 3, '0'), 'monitor.declared',
       now() - interval '29 days', 'seed', 'applied', 'jobwatch.lifecycle', 0, m,
       jsonb_build_object('specversion', '1.0', 'id', 'ev-declared-' || m, 'type', 'monitor.declared',
                          'source', 'seed', 'time', now() - interval '29 days',
                          'data', jsonb_build_object('monitor', 'seedmon-' || lpad(m::text, 3, '0'),
                                                     'team', 'team-' || (m % 12),
                                                     'schedule', jsonb_build_object('every', 'PT1H'))),
       now() - interval '29 days'
  FROM generate_series(0, 199) AS m;

INSERT INTO stage_health (service, runner, stage, severity, since, last_error_class,
                          last_error_message, last_error_at, last_ok_at, consecutive_errors,
                          error_count, ok_count, recent, updated_at)
SELECT 'svc-' || lpad(s::text, 2, '0'), 'runner-' || lpad((s + 50 * r)::text, 3, '0'),
       'stage-' || st,
       (CASE WHEN (s + r + st) % 40 = 0 THEN 'error' WHEN (s + r + st) % 15 = 0 THEN 'warning'
             ELSE 'ok' END)::severity,
       now() - interval '1 day', 'TimeoutError', 'upstream timed out', now() - interval '2 hours',
       now() - interval '1 minute', 0, 10 + st, 1000 + st, '[]', now() - interval '1 minute'
  FROM generate_series(0, 49) AS s, generate_series(0, 3) AS r, generate_series(0, 9) AS st;

INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, record_key, record_value, reason,
                          received_at, replayed_at)
SELECT CASE WHEN d % 3 = 0 THEN 'jobwatch.errors' ELSE 'jobwatch.lifecycle' END, (d % 12)::int,
       d, convert_to('seed-' || d, 'UTF8'),
       convert_to(repeat('{"broken": true} ', 20), 'UTF8'), 'invalid envelope: missing time',
       now() - interval '45 days' * (1 - d::float8 / 200000),
       CASE WHEN d % 10 <> 0 THEN now() - interval '45 days' * (1 - d::float8 / 200000) + interval '1 hour' END
  FROM generate_series(1, 200000) AS d;
SELECT setval('dead_letters_id_seq', (SELECT max(id) FROM dead_letters));

-- Rebuild keys, then indexes, exactly as the migrations defined them.
SELECT statement FROM seed_rebuild ORDER BY phase \gexec

VACUUM ANALYZE;
SELECT relname, n_live_tup, pg_size_pretty(pg_total_relation_size(relid)) AS total
  FROM pg_stat_user_tables WHERE relname NOT LIKE 'job_events_%' ORDER BY relname;
SELECT count(*) AS event_partitions, pg_size_pretty(sum(pg_total_relation_size(inhrelid))) AS events_total
  FROM pg_inherits WHERE inhparent = 'job_events'::regclass;
