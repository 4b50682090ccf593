-- Issue 14.3: run rules of a declaration (too short, too often, N failures in a row, start grace)
-- and the recent finished runs they are judged on (newest first, at most 51).
ALTER TABLE monitors
    ADD COLUMN min_runtime          interval,
    ADD COLUMN start_grace          interval,
    ADD COLUMN failure_threshold    integer NOT NULL DEFAULT 1,
    ADD COLUMN recovery_threshold   integer NOT NULL DEFAULT 1,
    ADD COLUMN max_runs             integer,
    ADD COLUMN runs_period          interval,
    ADD COLUMN recent_runs          jsonb   NOT NULL DEFAULT '[]',
    ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0;

COMMENT ON COLUMN monitors.recent_runs IS
    'Latest finished runs with an outcome, newest first: [{startedAt, finishedAt, succeeded}]';
COMMENT ON COLUMN monitors.consecutive_failures IS
    'Failed runs (a success shorter than min_runtime included) since the last counted success';

CREATE OR REPLACE VIEW monitor_status AS
SELECT monitor, team, status, last_success_at, deadline, expected_at, last_seen_at,
       last_start_at, last_failure_at, last_run_duration, evaluated_at,
       consecutive_failures, failure_threshold, recovery_threshold, min_runtime, start_grace,
       max_runs, runs_period
  FROM monitors
 WHERE declared_at IS NOT NULL;

GRANT SELECT ON monitor_status TO jobwatch_operator;
