package io.jobwatch.store;

import io.jobwatch.core.job.JobFoldState;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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

  // A compare-and-set per job, one statement for all: a stored state is replaced only if it still
  // has folded the number of events the batch's fold started from (expected), and a job that had
  // no state gets one only if nobody stored one meanwhile. Under READ COMMITTED an update waits
  // for a concurrent writer of the row and then re-checks folded on the committed version, so a
  // job whose state another instance committed since this batch read (or cached) it is not
  // returned: a conflict (the caller rolls back). created_at is set only for a job that had
  // nothing stored before this transaction (V16).
  private static final String STORE =
      """
      WITH s AS (
        SELECT * FROM unnest(:job_id::text[], :folded::bigint[], :state::text[], :fresh::boolean[],
                             :expected::bigint[]) AS s(job_id, folded, state, fresh, expected)
      ), updated AS (
        UPDATE job_fold_state f
           SET folded = s.folded, state = s.state, updated_at = now()
          FROM s
         WHERE f.job_id = s.job_id AND f.folded = s.expected
        RETURNING f.job_id, f.created_at
      ), inserted AS (
        INSERT INTO job_fold_state (job_id, folded, state, created_at)
        SELECT job_id, folded, state, CASE WHEN fresh THEN now() END FROM s WHERE expected IS NULL
        ON CONFLICT (job_id) DO NOTHING
        RETURNING job_id, created_at
      )
      SELECT job_id, created_at FROM updated
      UNION ALL
      SELECT job_id, created_at FROM inserted
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
   * What {@link #store} wrote.
   *
   * @param firstStored when each written job's state was first stored, as the database holds it
   *     (null: unknown)
   * @param conflicts jobs whose stored state is no longer the one the batch started from (another
   *     consumer stored one since): nothing was written for them, and the transaction must roll
   *     back
   */
  public record Stored(Map<String, Instant> firstStored, Set<String> conflicts) {}

  /**
   * Stores the fold states (one per job), each only if the stored one is still the one its fold
   * started from: a job in {@code expectedFolded} replaces its stored state only if that state has
   * folded exactly this many events (the count grows with every event folded, so a state another
   * consumer wrote since differs); a job not in it has no stored state and gets one only if still
   * none is stored. Those of {@code freshJobs} (jobs nothing was stored of before this transaction)
   * record now as their first storing. A job not written is a conflict, not an error: see {@link
   * Stored#conflicts}.
   */
  public static Stored store(
      Handle handle,
      List<JobFoldState> states,
      Map<String, Long> expectedFolded,
      Set<String> freshJobs) {
    Map<String, Instant> firstStored = new HashMap<>();
    if (states.isEmpty()) {
      return new Stored(firstStored, Set.of());
    }
    int[] returned = new int[1];
    handle
        .createQuery(STORE)
        .bind("job_id", Columns.text(states, JobFoldState::jobId))
        .bind("folded", Columns.bigint(states, state -> state.position().folded()))
        .bind("state", Columns.text(states, Json::write))
        .bind("fresh", Columns.bool(states, state -> freshJobs.contains(state.jobId())))
        .bind("expected", Columns.bigint(states, state -> expectedFolded.get(state.jobId())))
        .map(
            (rs, ctx) -> {
              OffsetDateTime created = rs.getObject("created_at", OffsetDateTime.class);
              return Map.entry(
                  rs.getString("job_id"),
                  Optional.ofNullable(created).map(OffsetDateTime::toInstant));
            })
        .forEach(
            row -> {
              returned[0]++;
              firstStored.put(row.getKey(), row.getValue().orElse(null));
            });
    Set<String> conflicts = new HashSet<>();
    for (JobFoldState state : states) {
      if (!firstStored.containsKey(state.jobId())) {
        conflicts.add(state.jobId());
      }
    }
    // Every job is either written once or a conflict; anything else is a bug of this statement.
    Checks.expectRows(
        "compare-and-set job_fold_state", states.size() - conflicts.size(), returned[0]);
    return new Stored(firstStored, conflicts);
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
