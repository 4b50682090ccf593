-- Each crashed attempt is counted once, whatever the order its events arrive in: a crash seen
-- first as exit 137 and later explained by an earlier job.crashed stays one crash.
CREATE TABLE job_attempt_crashes (
    job_id     text        NOT NULL,
    attempt    integer     NOT NULL,
    service    text        NOT NULL,
    blame      text        NOT NULL,
    counted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, attempt)
);
GRANT SELECT ON job_attempt_crashes TO jobwatch_operator;
