-- Fold states are jobwatch's own working data, written for every touched job in every batch and
-- read back whole: stored as the JSON text jobwatch writes instead of jsonb, PostgreSQL no longer
-- parses and re-encodes ~1.6 kB per job per batch (measured with pg_stat_statements on the 200k
-- benchmark: the jsonb upsert was 44 ms of each batch, the largest statement). Operators can still
-- query them with state::jsonb.
ALTER TABLE job_fold_state ALTER COLUMN state TYPE text USING state::text;
ALTER TABLE job_fold_snapshots ALTER COLUMN state TYPE text USING state::text;
