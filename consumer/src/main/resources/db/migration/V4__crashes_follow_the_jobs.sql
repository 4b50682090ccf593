-- Issue 9: crash numbers agree with the jobs. job_attempt_crashes now holds, for every job, the
-- crashed attempts with the service and blame its current fold shows (rewritten when a refold
-- changes them: a late job.crashed explaining exit 137, a job.submitted naming the service).
-- job_crashes is kept in step with it in the same transaction, by deltas, so concurrent consumers
-- add up; a (service, blame) whose crashes all moved elsewhere stays as a row with 0.
CREATE INDEX job_attempt_crashes_group ON job_attempt_crashes (service, blame);

-- Start from the truth: the totals are the count of the recorded crashed attempts.
DELETE FROM job_crashes;
INSERT INTO job_crashes (service, blame, crashes)
SELECT service, blame, count(*) FROM job_attempt_crashes GROUP BY service, blame;
