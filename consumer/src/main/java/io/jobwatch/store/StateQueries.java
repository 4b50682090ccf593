package io.jobwatch.store;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Read-only aggregate queries behind the database-derived metrics and the status displays.
 * Stateless and thread-safe.
 */
public final class StateQueries {
  private StateQueries() {}

  /** A count under a pair of labels, such as jobs by (service, state). */
  public record Count(String first, String second, long count) {}

  public static List<Count> jobsByServiceAndState(Handle handle) {
    return counts(
        handle, "SELECT coalesce(service, 'unknown'), state, count(*) FROM jobs GROUP BY 1, 2");
  }

  /** A count under a pair of labels with the latest activity among the rows counted. */
  public record ActiveCount(String first, String second, long count, Instant lastActivity) {}

  /** Jobs by (service, state) with the latest {@code updated_at} of each group. */
  public static List<ActiveCount> jobsByServiceAndStateWithActivity(Handle handle) {
    return handle
        .createQuery(
            "SELECT coalesce(service, 'unknown') AS service, state, count(*) AS jobs,"
                + " max(updated_at) AS last_update FROM jobs GROUP BY 1, 2")
        .map(
            (rs, ctx) ->
                new ActiveCount(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getLong(3),
                    StageHealthTable.instant(rs, "last_update")))
        .list();
  }

  public static List<Count> crashesByServiceAndBlame(Handle handle) {
    return counts(handle, "SELECT service, blame, crashes FROM job_crashes");
  }

  public static List<Count> unsatisfiableByService(Handle handle) {
    return counts(
        handle,
        """
        SELECT coalesce(j.service, 'unknown'), '', count(DISTINCT w.job_id)
          FROM job_waits w JOIN jobs j ON j.job_id = w.job_id
         WHERE w.job_unsatisfiable GROUP BY 1
        """);
  }

  public static List<Count> stuckByService(Handle handle) {
    return counts(
        handle, "SELECT coalesce(service, 'unknown'), '', count(*) FROM stuck_jobs GROUP BY 1");
  }

  public static List<Count> deadLettersByTopic(Handle handle) {
    return counts(
        handle,
        "SELECT topic, '', count(*) FROM dead_letters WHERE replayed_at IS NULL GROUP BY topic");
  }

  private static List<Count> counts(Handle handle, String sql) {
    return handle
        .createQuery(sql)
        .map((rs, ctx) -> new Count(rs.getString(1), rs.getString(2), rs.getLong(3)))
        .list();
  }
}
