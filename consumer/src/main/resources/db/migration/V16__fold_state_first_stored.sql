-- Issue 11.4: when a job's fold state was first stored. The job's first stored event was written
-- in that same transaction, so every stored event of the job has received_at at or after it: the
-- batch's look-up of stored event ids and of a job's history read only the day partitions from
-- there on, instead of probing every partition. NULL (every state stored before this migration,
-- and the state of a job that had stored events before it had a state): unknown, every partition
-- is read. A job with no state, no row and no tombstone has no stored event: nothing is read.
ALTER TABLE job_fold_state ADD COLUMN created_at timestamptz;
