-- Issue 11.4: state queries proportional to what is open, not to a year of terminal jobs.
--
-- 1. Jobs by (service, state), counted as they change instead of by a scan of jobs every refresh.
--    Writers never update a shared counter row (two consumers would queue on it across their batch,
--    issue 11.5): statement triggers on jobs append the net change of each statement to
--    job_count_changes, and the exporter-lease holder folds those rows into job_counts at every
--    refresh (StateQueries.foldJobCountChanges). The count of a (service, state) is the sum over both
--    tables; last_update is the latest updated_at written into that group (a delete leaves it).
CREATE TABLE job_counts (
    service     text        NOT NULL,   -- coalesce(jobs.service, 'unknown')
    state       text        NOT NULL,
    jobs        bigint      NOT NULL,
    last_update timestamptz,
    PRIMARY KEY (service, state)
);

CREATE TABLE job_count_changes (
    service     text        NOT NULL,
    state       text        NOT NULL,
    jobs        bigint      NOT NULL,   -- net change: +1 a job entered the group, -1 it left
    last_update timestamptz
);

COMMENT ON TABLE job_counts IS
    'jobs by (service, state) up to the last fold of job_count_changes; add job_count_changes for now';
COMMENT ON TABLE job_count_changes IS
    'net changes of job_counts appended by the statements that wrote jobs, not yet folded';

CREATE FUNCTION jobwatch_count_job_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO job_count_changes (service, state, jobs, last_update)
    SELECT coalesce(service, 'unknown'), state, count(*), max(updated_at)
      FROM new_rows GROUP BY 1, 2;
  ELSIF TG_OP = 'UPDATE' THEN
    -- A heartbeat nets 0 but still carries its updated_at (the activity of the group).
    INSERT INTO job_count_changes (service, state, jobs, last_update)
    SELECT service, state, sum(jobs), max(last_update)
      FROM (SELECT coalesce(service, 'unknown') AS service, state, 1 AS jobs,
                   updated_at AS last_update
              FROM new_rows
            UNION ALL
            SELECT coalesce(service, 'unknown'), state, -1, NULL FROM old_rows) AS c
     GROUP BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO job_count_changes (service, state, jobs, last_update)
    SELECT coalesce(service, 'unknown'), state, -count(*), NULL FROM old_rows GROUP BY 1, 2;
  ELSE
    DELETE FROM job_count_changes;
    DELETE FROM job_counts;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_count_inserts AFTER INSERT ON jobs
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobwatch_count_job_changes();
CREATE TRIGGER jobs_count_updates AFTER UPDATE ON jobs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobwatch_count_job_changes();
CREATE TRIGGER jobs_count_deletes AFTER DELETE ON jobs
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION jobwatch_count_job_changes();
CREATE TRIGGER jobs_count_truncates AFTER TRUNCATE ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION jobwatch_count_job_changes();

-- Start from the truth. The triggers above already hold their lock on jobs, so no write can slip
-- between this count and them.
INSERT INTO job_counts (service, state, jobs, last_update)
SELECT coalesce(service, 'unknown'), state, count(*), max(updated_at) FROM jobs GROUP BY 1, 2;

GRANT SELECT ON job_counts, job_count_changes TO jobwatch_operator;

-- 2. Dead letters not yet replayed, by topic, without reading the replayed ones.
CREATE INDEX dead_letters_unreplayed ON dead_letters (topic) WHERE replayed_at IS NULL;

-- 3. Unsatisfiable and stuck jobs start from the open jobs (jobs_open, V1) and follow
--    job_dependencies by key; see StateQueries. No new index is needed for them.
