-- Issue 11 (retention). job_events becomes partitioned by arrival day, so events older than
-- JOBWATCH_RETAIN_EVENTS go by dropping whole partitions, never by a large DELETE. Arrival time
-- (received_at, set by the database) is monotonic: a late event lands in today's partition, never
-- in one already dropped. Partitions are managed by jobwatch itself (no pg_partman; README).

-- 1. The partitioned table, built from the current one so columns added by earlier migrations
--    carry over. Its primary key must include the partition key; an event id stays unique because
--    the consumer looks ids up before it stores them (docs/operators.md, "Retention").
ALTER TABLE job_events RENAME TO job_events_unpartitioned;
CREATE TABLE job_events
    (LIKE job_events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY RANGE (received_at);
-- A safety net: a row whose day has no partition yet lands here rather than failing its batch;
-- creating that day's partition moves it out (jobwatch_event_partition).
CREATE TABLE job_events_default PARTITION OF job_events DEFAULT;

-- 2. One partition per UTC day, named job_events_YYYYMMDD. Creates it (if missing) as a plain table
--    and attaches it, which locks job_events less than CREATE TABLE ... PARTITION OF.
CREATE FUNCTION jobwatch_event_partition(day date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  part text := 'job_events_' || to_char(day, 'YYYYMMDD');
  low timestamptz := day::timestamp AT TIME ZONE 'UTC';
  high timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE job_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
  EXECUTE format('WITH moved AS (DELETE FROM job_events_default WHERE received_at >= $1 AND received_at < $2 RETURNING *)'
                 ' INSERT INTO %I SELECT * FROM moved', part) USING low, high;
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (received_at >= %L AND received_at < %L)',
                 part, part || '_day', low, high);
  EXECUTE format('ALTER TABLE job_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, low, high);
  EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, part || '_day');
  EXECUTE format('GRANT SELECT ON %I TO jobwatch_operator', part);
  RETURN true;
END
$$;

-- Drops one day partition of job_events (and nothing else: the name is checked).
CREATE FUNCTION jobwatch_drop_event_partition(part text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF part !~ '^job_events_[0-9]{8}$' OR NOT EXISTS (
       SELECT 1 FROM pg_inherits
        WHERE inhparent = 'job_events'::regclass AND inhrelid = to_regclass(part)) THEN
    RETURN false;
  END IF;
  EXECUTE format('DROP TABLE %I', part);
  RETURN true;
END
$$;

-- 3. Partitions covering every stored event, and the days ahead; then the rows move over.
SELECT jobwatch_event_partition(day::date)
  FROM generate_series(
         coalesce((SELECT min(received_at) FROM job_events_unpartitioned), now()) AT TIME ZONE 'UTC',
         (now() AT TIME ZONE 'UTC') + interval '7 days',
         interval '1 day') AS day;
INSERT INTO job_events SELECT * FROM job_events_unpartitioned;

-- 4. Indexes: the ones the old table had (created by any earlier migration), then the key.
--    A unique index without the partition key is impossible on a partitioned table; such an index
--    becomes a plain one (uniqueness of event ids is the consumer's lookup).
DO $$
DECLARE
  definitions text[];
  definition text;
BEGIN
  SELECT coalesce(array_agg(pg_get_indexdef(i.indexrelid)), '{}')
    INTO definitions
    FROM pg_index i
   WHERE i.indrelid = 'job_events_unpartitioned'::regclass AND NOT i.indisprimary;
  DROP TABLE job_events_unpartitioned;
  FOREACH definition IN ARRAY definitions LOOP
    EXECUTE regexp_replace(
              replace(definition, ' ON public.job_events_unpartitioned ', ' ON public.job_events '),
              '^CREATE UNIQUE INDEX', 'CREATE INDEX');
  END LOOP;
END
$$;
ALTER TABLE job_events ADD PRIMARY KEY (event_id, received_at);
-- The oldest stored event (metrics) without reading a whole partition.
CREATE INDEX job_events_received ON job_events (received_at);
GRANT SELECT ON job_events TO jobwatch_operator;
GRANT SELECT ON job_events_default TO jobwatch_operator;

-- 5. Pruned jobs stay dead: what is left of a terminal job after retention removed its row (or
--    its history). A late or duplicate event for it is stored as ignored, never refolded.
CREATE TABLE job_tombstones (
    job_id      text        PRIMARY KEY,
    state       text        NOT NULL,
    attempt     integer     NOT NULL,
    finished_at timestamptz,
    pruned_at   timestamptz NOT NULL
);
CREATE INDEX job_tombstones_pruned ON job_tombstones (pruned_at);
GRANT SELECT ON job_tombstones TO jobwatch_operator;

-- 6. What the retention pass looks for, oldest first. Terminal jobs by finished_at, which an open
--    job's heartbeats never change (an index on written_at would make every job update non-HOT).
CREATE INDEX jobs_terminal_finished ON jobs (finished_at)
    WHERE state IN ('succeeded', 'failed', 'crashed', 'cancelled');
CREATE INDEX dead_letters_received ON dead_letters (received_at);
