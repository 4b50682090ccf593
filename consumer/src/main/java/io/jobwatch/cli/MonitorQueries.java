package io.jobwatch.cli;

import static io.jobwatch.cli.Rows.instant;

import io.jobwatch.store.MonitorsTable;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** Every declared monitor as the CLI shows it; the SQL is {@link MonitorsTable}'s. Stateless. */
final class MonitorQueries {
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
    return MonitorsTable.statusAll(
        handle,
        (rs, ctx) ->
            new Monitor(
                rs.getString("monitor"),
                rs.getString("team"),
                rs.getString("status"),
                instant(rs, "last_success_at"),
                instant(rs, "deadline"),
                instant(rs, "expected_at"),
                instant(rs, "last_seen_at"),
                instant(rs, "last_failure_at")));
  }
}
