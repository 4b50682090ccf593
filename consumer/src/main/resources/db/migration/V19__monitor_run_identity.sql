-- A run of a monitor is one attempt of one job: recent runs carry their job and attempt, so the
-- observations the pipeline makes of one attempt after each batch merge into one run instead of
-- counting twice. Running is no longer "the latest start is after the latest finish" (a start that
-- the run's own finish shows to be wrong kept a monitor running for ever): the open runs are kept,
-- and the latest start of a finished run apart from them.
ALTER TABLE monitors
    ADD COLUMN open_runs              jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN last_finished_start_at timestamptz;

-- Existing rows: a start after the last finish is an open run without identity (closed by the next
-- finish at or after it, as before); otherwise the last start belonged to a finished run.
UPDATE monitors
   SET open_runs = jsonb_build_array(jsonb_build_object(
           'jobId', NULL, 'attempt', NULL,
           'startedAt', to_char(last_start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))
 WHERE last_start_at IS NOT NULL
   AND (last_finish_at IS NULL OR last_start_at > last_finish_at);

UPDATE monitors
   SET last_finished_start_at = CASE
           WHEN last_finish_at IS NOT NULL AND last_start_at <= last_finish_at THEN last_start_at
           ELSE (SELECT max((r ->> 'startedAt')::timestamptz)
                   FROM jsonb_array_elements(recent_runs) AS r
                  WHERE (r ->> 'startedAt')::timestamptz <= (r ->> 'finishedAt')::timestamptz)
       END
 WHERE last_start_at IS NOT NULL;

COMMENT ON COLUMN monitors.recent_runs IS
    'Latest finished runs with an outcome, newest first: [{jobId, attempt, startedAt, finishedAt, '
    'succeeded}]; jobId and attempt are null for runs stored before V19';
COMMENT ON COLUMN monitors.open_runs IS
    'Runs seen started and not finished, started after last_finish_at: [{jobId, attempt, startedAt}]';
COMMENT ON COLUMN monitors.last_finished_start_at IS
    'Latest start of a finished run (last_start_at is the later of it and the open runs'' starts)';
