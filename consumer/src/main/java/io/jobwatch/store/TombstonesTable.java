package io.jobwatch.store;

import java.util.HashSet;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * SQL of {@code job_tombstones}: what is left of a terminal job whose row or history retention
 * removed (issue 11.2). Written by the retention pass; read by the batch. Stateless, thread-safe.
 */
public final class TombstonesTable {
  private TombstonesTable() {}

  /** The jobs among {@code jobIds} that have a tombstone: their new events are only recorded. */
  public static Set<String> prunedAmong(Handle handle, Set<String> jobIds) {
    if (jobIds.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        handle
            .createQuery("SELECT job_id FROM job_tombstones WHERE job_id = ANY(:ids::text[])")
            .bind("ids", jobIds.toArray(String[]::new))
            .mapTo(String.class)
            .list());
  }
}
