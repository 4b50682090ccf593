package io.jobwatch.cli;

import static io.jobwatch.cli.Rows.instant;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** Reads every declared monitor from the {@code monitor_status} view. Stateless. */
final class MonitorQueries {
  private static final String ALL =
      """
      SELECT monitor, team, status, last_success_at, deadline, expected_at, last_seen_at,
             last_failure_at
        FROM monitor_status ORDER BY monitor
      """;

  private MonitorQueries() {}

  /** One monitor as the consumer last evaluated it. */
  record Monitor(
      String monitor,
      String team,
      String status,
      Instant lastSuccessAt,
      Instant deadline,
      Instant expectedAt,
      Instant lastSeenAt,
      Instant lastFailureAt) {}

  static List<Monitor> all(Handle handle) {
    return handle
        .createQuery(ALL)
        .map(
            (rs, ctx) ->
                new Monitor(
                    rs.getString("monitor"),
                    rs.getString("team"),
                    rs.getString("status"),
                    instant(rs, "last_success_at"),
                    instant(rs, "deadline"),
                    instant(rs, "expected_at"),
                    instant(rs, "last_seen_at"),
                    instant(rs, "last_failure_at")))
        .list();
  }
}
