-- Issue 10.6 (helper "faults"): dead-letter replay that resumes safely after an interruption.
--
-- record_headers, truncated and original_bytes belong to V5 (the stored record's headers and the
-- size cap); IF NOT EXISTS keeps this migration complete on its own and a no-op for them after V5.
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS record_headers jsonb;
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS truncated boolean NOT NULL DEFAULT false;
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS original_bytes integer;

-- A replay claims a letter (committed) before it publishes, and marks it replayed (clearing the
-- claim) after the broker acknowledged. A claim without replayed_at is a replay in doubt: the run
-- stopped between claim and mark, so the record may or may not be on the topic. Replay never
-- sends such a letter again without --force (at most once).
ALTER TABLE dead_letters
    ADD COLUMN replay_claimed_at  timestamptz,
    ADD COLUMN replay_claimed_by  text,
    ADD COLUMN replayed_partition integer,
    ADD COLUMN replayed_offset    bigint;

COMMENT ON COLUMN dead_letters.replay_claimed_at IS
    'set by dead-letters replay before publishing; with replayed_at NULL the replay is in doubt';
COMMENT ON COLUMN dead_letters.replay_claimed_by IS 'the replay run that holds the claim';
COMMENT ON COLUMN dead_letters.replayed_partition IS 'where the last replay landed: partition';
COMMENT ON COLUMN dead_letters.replayed_offset IS 'where the last replay landed: offset';
