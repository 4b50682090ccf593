-- Issue 11 point 3: work per event does not grow with a job's history. Each job's fold state (the
-- state of io.jobwatch.core.JobFold after its last event in fold order) is stored in the batch
-- transaction, so an event that arrives in order is folded onto it without reading the history.
-- Every BatchPlanner.SNAPSHOT_EVERY events a snapshot is kept, so an out-of-order event refolds
-- from the latest snapshot before it. Both follow their job: pruning a job removes them.
CREATE TABLE job_fold_state (
    job_id     text PRIMARY KEY REFERENCES jobs (job_id) ON DELETE CASCADE,
    folded     bigint NOT NULL,
    state      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE job_fold_snapshots (
    job_id text NOT NULL REFERENCES jobs (job_id) ON DELETE CASCADE,
    folded bigint NOT NULL,
    state  jsonb NOT NULL,
    PRIMARY KEY (job_id, folded)
);

GRANT SELECT ON job_fold_state, job_fold_snapshots TO jobwatch_operator;
