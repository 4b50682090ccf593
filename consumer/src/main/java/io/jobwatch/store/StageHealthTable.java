package io.jobwatch.store;

import io.jobwatch.core.Severity;
import io.jobwatch.core.stage.StageHealth;
import io.jobwatch.core.stage.StageKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * SQL of the {@code stage_health} table. Several consumers may touch the same stage (lifecycle
 * evidence comes from every partition), so a batch locks the records it folds, in key order.
 * Stateless and thread-safe.
 */
public final class StageHealthTable {

  /** Creates missing records first, so that the lock below covers new stages too. */
  private static final String ENSURE =
      """
      INSERT INTO stage_health (service, runner, stage, severity, since, recent)
      SELECT service, runner, stage, 'ok', now(), '[]'::jsonb
        FROM unnest(:service::text[], :runner::text[], :stage::text[]) AS k(service, runner, stage)
       ORDER BY service, runner, stage
      ON CONFLICT (service, runner, stage) DO NOTHING
      """;

  private static final String LOCK =
      """
      SELECT h.* FROM stage_health h
        JOIN unnest(:service::text[], :runner::text[], :stage::text[]) AS k(service, runner, stage)
          ON (h.service, h.runner, h.stage) = (k.service, k.runner, k.stage)
       ORDER BY h.service, h.runner, h.stage
         FOR UPDATE OF h
      """;

  private static final String UPDATE =
      """
      UPDATE stage_health h SET
        severity = u.severity::severity, since = u.since::timestamptz,
        last_error_class = u.last_error_class, last_error_message = u.last_error_message,
        last_error_at = u.last_error_at::timestamptz, last_error_job_id = u.last_error_job_id,
        last_ok_at = u.last_ok_at::timestamptz, consecutive_errors = u.consecutive_errors,
        error_count = u.error_count, ok_count = u.ok_count, recent = u.recent::jsonb,
        updated_at = now()
        FROM unnest(:service::text[], :runner::text[], :stage::text[], :severity::text[],
                    :since::text[], :last_error_class::text[], :last_error_message::text[],
                    :last_error_at::text[], :last_error_job_id::text[], :last_ok_at::text[],
                    :consecutive_errors::int[], :error_count::bigint[], :ok_count::bigint[],
                    :recent::text[])
          AS u(service, runner, stage, severity, since, last_error_class, last_error_message,
               last_error_at, last_error_job_id, last_ok_at, consecutive_errors, error_count,
               ok_count, recent)
       WHERE (h.service, h.runner, h.stage) = (u.service, u.runner, u.stage)
      """;

  private StageHealthTable() {}

  /**
   * Locks the records of {@code keys} for this transaction and returns them (a record only just
   * created has no observations and zero counts; the fold treats it as new).
   */
  public static Map<StageKey, StageHealth> lock(Handle handle, List<StageKey> keys) {
    Map<StageKey, StageHealth> records = new HashMap<>();
    if (keys.isEmpty()) {
      return records;
    }
    List<StageKey> sorted = keys.stream().sorted().toList();
    String[] services = Columns.text(sorted, StageKey::service);
    String[] runners = Columns.text(sorted, StageKey::runner);
    String[] stages = Columns.text(sorted, StageKey::stage);
    handle
        .createUpdate(ENSURE)
        .bind("service", services)
        .bind("runner", runners)
        .bind("stage", stages)
        .execute();
    handle
        .createQuery(LOCK)
        .bind("service", services)
        .bind("runner", runners)
        .bind("stage", stages)
        .map((rs, ctx) -> read(rs))
        .forEach(health -> records.put(health.key(), health));
    for (StageKey key : sorted) {
      records.putIfAbsent(key, null);
    }
    return records;
  }

  /** Writes folded records, which {@link #lock} must have locked in this transaction. */
  public static void update(Handle handle, List<StageHealth> records) {
    if (records.isEmpty()) {
      return;
    }
    int written =
        handle
            .createUpdate(UPDATE)
            .bind("service", Columns.text(records, r -> r.key().service()))
            .bind("runner", Columns.text(records, r -> r.key().runner()))
            .bind("stage", Columns.text(records, r -> r.key().stage()))
            .bind("severity", Columns.text(records, r -> r.severity().wireName()))
            .bind("since", Columns.instant(records, StageHealth::since))
            .bind("last_error_class", Columns.text(records, StageHealth::lastErrorClass))
            .bind("last_error_message", Columns.text(records, StageHealth::lastErrorMessage))
            .bind("last_error_at", Columns.instant(records, StageHealth::lastErrorAt))
            .bind("last_error_job_id", Columns.text(records, StageHealth::lastErrorJobId))
            .bind("last_ok_at", Columns.instant(records, StageHealth::lastOkAt))
            .bind("consecutive_errors", Columns.integer(records, StageHealth::consecutiveErrors))
            .bind("error_count", Columns.bigint(records, StageHealth::errorCount))
            .bind("ok_count", Columns.bigint(records, StageHealth::okCount))
            .bind("recent", Columns.text(records, r -> MarksJson.write(r.recent())))
            .execute();
    Checks.expectRows("update stage_health", records.size(), written);
  }

  /** Every stage record, for status displays and metrics. */
  public static List<StageHealth> all(Handle handle) {
    return handle
        .createQuery("SELECT * FROM stage_health ORDER BY service, runner, stage")
        .map((rs, ctx) -> read(rs))
        .list();
  }

  // Issue 13.2: what `jobwatch status` reads, through the operator views (service_health,
  // runner_health) as an operator's psql would, each with the last error of its worst stage. Order
  // by the enum column, not its text, so that severity sorts ok < warning < error < fatal.
  private static final String LAST_ERROR =
      "s.last_error_class, s.last_error_message, s.last_error_at";

  private static final String SERVICES_WORST_FIRST =
      "SELECT h.service, h.severity::text AS severity, h.worst_runner, h.worst_stage, h.since, "
          + LAST_ERROR
          + """
            FROM service_health h
            JOIN stage_health s
              ON s.service = h.service AND s.runner = h.worst_runner AND s.stage = h.worst_stage
           ORDER BY h.severity DESC, h.since, h.service
          """;

  private static final String RUNNERS_WORST_FIRST =
      "SELECT h.service, h.runner, h.severity::text AS severity, h.worst_stage, h.since, "
          + LAST_ERROR
          + """
            FROM runner_health h
            JOIN stage_health s
              ON s.service = h.service AND s.runner = h.runner AND s.stage = h.worst_stage
           ORDER BY h.severity DESC, h.since, h.service, h.runner
          """;

  private static final String STAGES_WORST_FIRST =
      """
      SELECT service, runner, stage, severity::text AS severity, since, last_error_class,
             last_error_message, last_error_at, last_ok_at, consecutive_errors, error_count
        FROM stage_health
       ORDER BY stage_health.severity DESC, since, service, runner, stage
      """;

  /**
   * Services worst first ({@code service_health}): columns service, severity, worst_runner,
   * worst_stage, since, last_error_class, last_error_message, last_error_at.
   */
  public static <T> List<T> servicesWorstFirst(Connection connection, JdbcRows.Reader<T> reader)
      throws SQLException {
    return JdbcRows.list(connection, SERVICES_WORST_FIRST, reader);
  }

  /**
   * Runners worst first ({@code runner_health}): columns service, runner, severity, worst_stage,
   * since, last_error_class, last_error_message, last_error_at.
   */
  public static <T> List<T> runnersWorstFirst(Connection connection, JdbcRows.Reader<T> reader)
      throws SQLException {
    return JdbcRows.list(connection, RUNNERS_WORST_FIRST, reader);
  }

  /**
   * Stages worst first: columns service, runner, stage, severity, since, last_error_class,
   * last_error_message, last_error_at, last_ok_at, consecutive_errors, error_count.
   */
  public static <T> List<T> stagesWorstFirst(Connection connection, JdbcRows.Reader<T> reader)
      throws SQLException {
    return JdbcRows.list(connection, STAGES_WORST_FIRST, reader);
  }

  private static StageHealth read(ResultSet rs) throws SQLException {
    return new StageHealth(
        new StageKey(rs.getString("service"), rs.getString("runner"), rs.getString("stage")),
        Severity.fromWireName(rs.getString("severity")),
        instant(rs, "since"),
        rs.getString("last_error_class"),
        rs.getString("last_error_message"),
        instant(rs, "last_error_at"),
        rs.getString("last_error_job_id"),
        instant(rs, "last_ok_at"),
        rs.getInt("consecutive_errors"),
        rs.getLong("error_count"),
        rs.getLong("ok_count"),
        MarksJson.read(rs.getString("recent")));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp value = rs.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }
}
