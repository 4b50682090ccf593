-- Issue 11 point 3: work per event does not grow with a job's history. Each job's fold state (the
-- state of io.jobwatch.core.JobFold after its last event in fold order) is stored in the batch
-- transaction, so an event that arrives in order is folded onto it without reading the history.
-- Every BatchPlanner.SNAPSHOT_EVERY events a snapshot is kept, so an out-of-order event refolds
-- from the latest snapshot before it.
CREATE TABLE job_fold_state (
    job_id     text PRIMARY KEY,
    folded     bigint NOT NULL,
    state      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE job_fold_snapshots (
    job_id text NOT NULL,
    folded bigint NOT NULL,
    state  jsonb NOT NULL,
    PRIMARY KEY (job_id, folded)
);

-- Both follow their job: deleting a job's row (retention pruning) deletes them. A trigger rather
-- than a foreign key, so that jobs can still be truncated on its own (tests, an operator's reset;
-- truncate job_fold_state and job_fold_snapshots with it).
CREATE FUNCTION jobwatch_forget_fold_state() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM job_fold_state WHERE job_id = OLD.job_id;
  DELETE FROM job_fold_snapshots WHERE job_id = OLD.job_id;
  RETURN NULL;
END
$$;

CREATE TRIGGER jobs_forget_fold_state AFTER DELETE ON jobs
    FOR EACH ROW EXECUTE FUNCTION jobwatch_forget_fold_state();

GRANT SELECT ON job_fold_state, job_fold_snapshots TO jobwatch_operator;
