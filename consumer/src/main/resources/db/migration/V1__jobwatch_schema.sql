-- jobwatch schema, version 1. Names here are a public interface: operators' queries and
-- dashboards read them (docs/operators.md). Change them only by a new migration.

CREATE TYPE severity AS ENUM ('ok', 'warning', 'error', 'fatal');

-- One row per job: the fold of every accepted event of that job.
CREATE TABLE jobs (
    job_id                 text PRIMARY KEY,
    service                text,
    runner                 text,
    monitor                text,
    state                  text        NOT NULL,
    attempt                integer     NOT NULL,
    exit_code              integer,
    blame                  text,
    cause                  text,
    details                text,
    fatal                  boolean     NOT NULL DEFAULT false,
    runtime_error          text,
    runtime_error_count    integer     NOT NULL DEFAULT 0,
    runtime_error_details  jsonb,
    runtime_warning        text,
    runtime_activity       text,
    progress               jsonb,
    reusable               boolean     NOT NULL DEFAULT false,
    host                   text,
    waiting_reason         text,
    trigger                jsonb,
    labels                 jsonb,
    submitted_at           timestamptz,
    started_at             timestamptz,
    finished_at            timestamptz,
    updated_at             timestamptz NOT NULL,
    written_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT jobs_state_known CHECK (state IN ('submitted', 'queued', 'waiting', 'running',
                                                  'succeeded', 'failed', 'crashed', 'cancelled')),
    CONSTRAINT jobs_blame_known CHECK (blame IS NULL OR blame IN ('platform', 'task', 'third_party', 'unknown'))
);
CREATE INDEX jobs_service_state ON jobs (service, state);
CREATE INDEX jobs_monitor ON jobs (monitor) WHERE monitor IS NOT NULL;
CREATE INDEX jobs_open ON jobs (state) WHERE state IN ('submitted', 'queued', 'waiting', 'running');

-- Every accepted event, once, by its CloudEvents id. The source of truth a job is refolded from.
CREATE TABLE job_events (
    event_id     text PRIMARY KEY,
    job_id       text,
    subject      text        NOT NULL,
    type         text        NOT NULL,
    event_time   timestamptz NOT NULL,
    source       text,
    outcome      text        NOT NULL,
    topic        text        NOT NULL,
    kafka_partition integer  NOT NULL,
    kafka_offset bigint      NOT NULL,
    envelope     jsonb       NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT job_events_outcome_known CHECK (outcome IN ('applied', 'ignored'))
);
CREATE INDEX job_events_job ON job_events (job_id, event_time) WHERE job_id IS NOT NULL;
CREATE INDEX job_events_subject ON job_events (subject, event_time);

-- What a job waits on, as its job.submitted declared it.
CREATE TABLE job_dependencies (
    job_id      text   NOT NULL,
    depends_on  text   NOT NULL,
    accept      text[] NOT NULL,
    PRIMARY KEY (job_id, depends_on)
);
CREATE INDEX job_dependencies_target ON job_dependencies (depends_on);

-- One record per (service, runner, stage).
CREATE TABLE stage_health (
    service             text        NOT NULL,
    runner              text        NOT NULL,
    stage               text        NOT NULL,
    severity            severity    NOT NULL,
    since               timestamptz NOT NULL,
    last_error_class    text,
    last_error_message  text,
    last_error_at       timestamptz,
    last_error_job_id   text,
    last_ok_at          timestamptz,
    consecutive_errors  integer     NOT NULL DEFAULT 0,
    error_count         bigint      NOT NULL DEFAULT 0,
    ok_count            bigint      NOT NULL DEFAULT 0,
    recent              jsonb       NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, runner, stage)
);

-- Crashes counted as they are applied, for jobwatch_job_crashes_total{service,blame}.
CREATE TABLE job_crashes (
    service  text   NOT NULL,
    blame    text   NOT NULL,
    crashes  bigint NOT NULL,
    PRIMARY KEY (service, blame)
);

-- Scheduled scripts. status, expected_at and deadline are evaluated by the consumer (cron needs
-- code), refreshed every few seconds and whenever a monitor changes.
CREATE TABLE monitors (
    monitor             text PRIMARY KEY,
    team                text,
    schedule_every      interval,
    schedule_cron       text,
    schedule_timezone   text,
    grace               interval,
    max_runtime         interval,
    declared_at         timestamptz,
    paused              boolean     NOT NULL DEFAULT false,
    paused_changed_at   timestamptz,
    retired_at          timestamptz,
    last_start_at       timestamptz,
    last_success_at     timestamptz,
    last_failure_at     timestamptz,
    last_finish_at      timestamptz,
    last_run_duration   interval,
    last_seen_at        timestamptz,
    status              text,
    expected_at         timestamptz,
    deadline            timestamptz,
    evaluated_at        timestamptz,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Records that could not be accepted, with the reason, kept for inspection and replay.
CREATE TABLE dead_letters (
    id            bigserial PRIMARY KEY,
    topic         text        NOT NULL,
    kafka_partition integer   NOT NULL,
    kafka_offset  bigint      NOT NULL,
    record_key    bytea,
    record_value  bytea,
    reason        text        NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    replayed_at   timestamptz,
    UNIQUE (topic, kafka_partition, kafka_offset)
);

-- The next offset to read per partition, written in the same transaction as what it covers.
CREATE TABLE consumer_offsets (
    group_id    text    NOT NULL,
    topic       text    NOT NULL,
    kafka_partition integer NOT NULL,
    next_offset bigint  NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, topic, kafka_partition)
);

-- Health of a runner and of a service: the worst of its stages; ties go to the longest-standing.
CREATE VIEW runner_health AS
SELECT DISTINCT ON (service, runner)
       service, runner, severity, stage AS worst_stage, since
  FROM stage_health
 ORDER BY service, runner, severity DESC, since ASC, stage;

CREATE VIEW service_health AS
SELECT DISTINCT ON (service)
       service, severity, stage AS worst_stage, runner AS worst_runner, since
  FROM stage_health
 ORDER BY service, severity DESC, since ASC, runner, stage;

CREATE VIEW monitor_status AS
SELECT monitor, team, status, last_success_at, deadline, expected_at, last_seen_at,
       last_start_at, last_failure_at, last_run_duration, evaluated_at
  FROM monitors
 WHERE declared_at IS NOT NULL;
