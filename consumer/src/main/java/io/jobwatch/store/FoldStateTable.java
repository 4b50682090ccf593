package io.jobwatch.store;

import io.jobwatch.core.job.JobFoldState;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * SQL of {@code job_fold_state} (each job's fold state after its last event) and {@code
 * job_fold_snapshots} (its state every so many events), both JSON text (V15). One statement per
 * call, for all the given jobs. Stateless and thread-safe.
 */
public final class FoldStateTable {
  // One round trip for every job of a batch: its state (only where asked: the others are cached),
  // when that state was first stored (V16), whether the job has a row, and whether it was pruned.
  private static final String LOOKUP =
      """
      SELECT j.job_id, CASE WHEN j.want THEN s.state END AS state, s.job_id IS NOT NULL AS has_state,
             s.created_at,
             s.job_id IS NOT NULL OR EXISTS (SELECT 1 FROM jobs r WHERE r.job_id = j.job_id) AS has_row,
             EXISTS (SELECT 1 FROM job_tombstones t WHERE t.job_id = j.job_id) AS pruned
        FROM unnest(:job_ids::text[], :want::boolean[]) AS j(job_id, want)
        LEFT JOIN job_fold_state s ON s.job_id = j.job_id
      """;

  private static final String SNAPSHOTS =
      "SELECT state::text AS state FROM job_fold_snapshots WHERE job_id = ANY(:job_ids::text[])";

  // created_at is set only for a job that had nothing stored before this transaction (V16).
  private static final String STORE =
      """
      INSERT INTO job_fold_state (job_id, folded, state, created_at)
      SELECT job_id, folded, state, CASE WHEN fresh THEN now() END
        FROM unnest(:job_id::text[], :folded::bigint[], :state::text[], :fresh::boolean[])
             AS s(job_id, folded, state, fresh)
      ON CONFLICT (job_id) DO UPDATE
        SET folded = excluded.folded, state = excluded.state, updated_at = now()
      """;

  private static final String DROP_SNAPSHOTS =
      """
      DELETE FROM job_fold_snapshots s
       USING unnest(:job_id::text[], :after::bigint[]) AS d(job_id, after)
       WHERE s.job_id = d.job_id AND s.folded > d.after
      """;

  private static final String STORE_SNAPSHOTS =
      """
      INSERT INTO job_fold_snapshots (job_id, folded, state)
      SELECT job_id, folded, state
        FROM unnest(:job_id::text[], :folded::bigint[], :state::text[]) AS s(job_id, folded, state)
      ON CONFLICT (job_id, folded) DO UPDATE SET state = excluded.state
      """;

  private FoldStateTable() {}

  /**
   * What the database holds of one job before a batch.
   *
   * @param state its stored fold state; null if it has none or it was not asked for
   * @param hasState a fold state is stored
   * @param firstStored when its fold state was first stored, which is when its first stored event
   *     was received; null if unknown (stored before V16, or after events that had no state)
   * @param hasRow the job has a row in {@code jobs} (or a state)
   * @param pruned retention pruned it (it has a tombstone)
   */
  public record StoredJob(
      JobFoldState state, boolean hasState, Instant firstStored, boolean hasRow, boolean pruned) {
    /** Nothing of the job is stored: no state, no row, no tombstone, hence no stored event. */
    public boolean unknown() {
      return !hasState && !hasRow && !pruned;
    }
  }

  /**
   * One statement: for each of {@code jobIds}, what is stored of it, with its fold state read only
   * for those in {@code withState}.
   */
  public static Map<String, StoredJob> lookup(
      Handle handle, Collection<String> jobIds, Set<String> withState) {
    Map<String, StoredJob> jobs = new HashMap<>();
    if (jobIds.isEmpty()) {
      return jobs;
    }
    List<String> ids = new ArrayList<>(jobIds);
    handle
        .createQuery(LOOKUP)
        .bind("job_ids", ids.toArray(String[]::new))
        .bind("want", Columns.bool(ids, withState::contains))
        .map(
            (rs, ctx) -> {
              String state = rs.getString("state");
              OffsetDateTime created = rs.getObject("created_at", OffsetDateTime.class);
              return Map.entry(
                  rs.getString("job_id"),
                  new StoredJob(
                      state == null ? null : Json.read(state, JobFoldState.class),
                      rs.getBoolean("has_state"),
                      created == null ? null : created.toInstant(),
                      rs.getBoolean("has_row"),
                      rs.getBoolean("pruned")));
            })
        .forEach(entry -> jobs.put(entry.getKey(), entry.getValue()));
    return jobs;
  }

  /** Every stored snapshot of {@code jobIds}, by job. */
  public static Map<String, List<JobFoldState>> snapshots(
      Handle handle, Collection<String> jobIds) {
    Map<String, List<JobFoldState>> snapshots = new HashMap<>();
    if (jobIds.isEmpty()) {
      return snapshots;
    }
    handle
        .createQuery(SNAPSHOTS)
        .bind("job_ids", jobIds.toArray(String[]::new))
        .map((rs, ctx) -> Json.read(rs.getString("state"), JobFoldState.class))
        .forEach(
            state -> snapshots.computeIfAbsent(state.jobId(), id -> new ArrayList<>()).add(state));
    return snapshots;
  }

  /**
   * Stores the fold states (one per job), replacing the stored ones; those of {@code freshJobs}
   * (jobs nothing was stored of before this transaction) record now as their first storing. Returns
   * when each job's state was first stored, as the database holds it (null: unknown).
   */
  public static Map<String, Instant> store(
      Handle handle, List<JobFoldState> states, Set<String> freshJobs) {
    Map<String, Instant> firstStored = new HashMap<>();
    if (states.isEmpty()) {
      return firstStored;
    }
    handle
        .createQuery(STORE + " RETURNING job_id, created_at")
        .bind("job_id", Columns.text(states, JobFoldState::jobId))
        .bind("folded", Columns.bigint(states, state -> state.position().folded()))
        .bind("state", Columns.text(states, Json::write))
        .bind("fresh", Columns.bool(states, state -> freshJobs.contains(state.jobId())))
        .map(
            (rs, ctx) -> {
              OffsetDateTime created = rs.getObject("created_at", OffsetDateTime.class);
              return Map.entry(
                  rs.getString("job_id"),
                  Optional.ofNullable(created).map(OffsetDateTime::toInstant));
            })
        .forEach(row -> firstStored.put(row.getKey(), row.getValue().orElse(null)));
    Checks.expectRows("upsert job_fold_state", states.size(), firstStored.size());
    return firstStored;
  }

  /**
   * Drops the snapshots taken after {@code folded} events of each job (a refold changed what
   * follows), then stores {@code snapshots}.
   */
  public static void storeSnapshots(
      Handle handle, Map<String, Long> dropAfter, List<JobFoldState> snapshots) {
    if (!dropAfter.isEmpty()) {
      List<Map.Entry<String, Long>> drops = new ArrayList<>(dropAfter.entrySet());
      handle
          .createUpdate(DROP_SNAPSHOTS)
          .bind("job_id", Columns.text(drops, Map.Entry::getKey))
          .bind("after", Columns.bigint(drops, Map.Entry::getValue))
          .execute();
    }
    if (!snapshots.isEmpty()) {
      int written =
          handle
              .createUpdate(STORE_SNAPSHOTS)
              .bind("job_id", Columns.text(snapshots, JobFoldState::jobId))
              .bind("folded", Columns.bigint(snapshots, state -> state.position().folded()))
              .bind("state", Columns.text(snapshots, Json::write))
              .execute();
      Checks.expectRows("upsert job_fold_snapshots", snapshots.size(), written);
    }
  }
}
