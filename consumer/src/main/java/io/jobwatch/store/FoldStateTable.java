package io.jobwatch.store;

import io.jobwatch.core.job.JobFoldState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * SQL of {@code job_fold_state} (each job's fold state after its last event) and {@code
 * job_fold_snapshots} (its state every so many events), both JSON text (V15). One statement per
 * call, for all the given jobs. Stateless and thread-safe.
 */
public final class FoldStateTable {
  private static final String LOAD =
      "SELECT state::text AS state FROM job_fold_state WHERE job_id = ANY(:job_ids::text[])";

  private static final String SNAPSHOTS =
      "SELECT state::text AS state FROM job_fold_snapshots WHERE job_id = ANY(:job_ids::text[])";

  private static final String STORE =
      """
      INSERT INTO job_fold_state (job_id, folded, state)
      SELECT job_id, folded, state
        FROM unnest(:job_id::text[], :folded::bigint[], :state::text[]) AS s(job_id, folded, state)
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

  /** The stored fold states of those of {@code jobIds} that have one. */
  public static Map<String, JobFoldState> load(Handle handle, Collection<String> jobIds) {
    Map<String, JobFoldState> states = new HashMap<>();
    if (jobIds.isEmpty()) {
      return states;
    }
    handle
        .createQuery(LOAD)
        .bind("job_ids", jobIds.toArray(String[]::new))
        .map((rs, ctx) -> Json.read(rs.getString("state"), JobFoldState.class))
        .forEach(state -> states.put(state.jobId(), state));
    return states;
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

  /** Stores the fold states (one per job), replacing the stored ones. */
  public static void store(Handle handle, List<JobFoldState> states) {
    if (states.isEmpty()) {
      return;
    }
    int written =
        handle
            .createUpdate(STORE)
            .bind("job_id", Columns.text(states, JobFoldState::jobId))
            .bind("folded", Columns.bigint(states, state -> state.position().folded()))
            .bind("state", Columns.text(states, Json::write))
            .execute();
    Checks.expectRows("upsert job_fold_state", states.size(), written);
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
