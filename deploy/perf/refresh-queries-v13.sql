-- Issue 11.4/11.6: the exporter's refresh queries as they were before V14 (commit ff29436,
-- store/StateQueries), to time them on a seeded database:
--   psql -X -f deploy/perf/refresh-queries-v13.sql
-- After V14 the refresh is timed by: java -cp consumer/target/jobwatch.jar io.jobwatch.bench.RefreshTiming
\timing on
\pset pager off
\o /dev/null
SELECT coalesce(service, 'unknown') AS service, state, count(*) AS jobs,
       max(updated_at) AS last_update FROM jobs GROUP BY 1, 2;
SELECT coalesce(j.service, 'unknown'), '', count(DISTINCT w.job_id)
  FROM job_waits w JOIN jobs j ON j.job_id = w.job_id
 WHERE w.job_unsatisfiable GROUP BY 1;
SELECT coalesce(service, 'unknown'), '', count(*) FROM stuck_jobs GROUP BY 1;
SELECT topic, '', count(*) FROM dead_letters WHERE replayed_at IS NULL GROUP BY topic;
SELECT service, blame, crashes FROM job_crashes;
SELECT * FROM stage_health ORDER BY service, runner, stage;
SELECT * FROM monitors ORDER BY monitor;
\o
