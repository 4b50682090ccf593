-- Creating a day partition while the consumer writes rows of that day into job_events_default
-- (its day had no partition: a consumer down for longer than the 7 days ahead, or passes that did
-- not run) failed: a row committed between the DELETE that moves the day's rows out of the default
-- partition and the ATTACH, which checks the default partition with a fresh snapshot, violated
-- the default partition's new constraint; the whole function rolled back, on every pass, for as
-- long as the consumer kept writing. The function now takes the lock ATTACH needs on
-- job_events_default (ACCESS EXCLUSIVE, waiting at most the caller's lock_timeout) before it
-- moves the rows committed since its first, unlocked move of the bulk, so no row of the day can
-- land there between the last move and the ATTACH, and the lock (which stalls every consumer
-- batch: their lookups read the default partition) lasts only for those few rows and the ATTACH.
-- The consumer also creates today's partition and the days ahead when it starts.
CREATE OR REPLACE FUNCTION jobwatch_event_partition(day date) RETURNS boolean
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
  -- The bulk of the day's rows first, without the table lock (the consumers' lookups read the
  -- default partition in every batch); then, under the lock ATTACH needs, the rows committed since.
  EXECUTE format('WITH moved AS (DELETE FROM job_events_default WHERE received_at >= $1 AND received_at < $2 RETURNING *)'
                 ' INSERT INTO %I SELECT * FROM moved', part) USING low, high;
  LOCK TABLE job_events_default IN ACCESS EXCLUSIVE MODE;
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
