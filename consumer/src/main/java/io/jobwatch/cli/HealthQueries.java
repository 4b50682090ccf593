package io.jobwatch.cli;

import static io.jobwatch.cli.Rows.instant;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Reads service, runner and stage health from the operator views ({@code service_health}, {@code
 * runner_health}) and the {@code stage_health} table, worst first, then longest-standing first.
 * These are the documented operator names, read exactly as an operator's psql would. Ordering uses
 * the enum column, not its text alias, so that severity sorts ok < warning < error < fatal.
 * Stateless.
 */
final class HealthQueries {
  private static final String LAST_ERROR =
      "s.last_error_class, s.last_error_message, s.last_error_at";

  private static final String SERVICES =
      "SELECT h.service, h.severity::text AS severity, h.worst_runner, h.worst_stage, h.since, "
          + LAST_ERROR
          + """
            FROM service_health h
            JOIN stage_health s
              ON s.service = h.service AND s.runner = h.worst_runner AND s.stage = h.worst_stage
           ORDER BY h.severity DESC, h.since, h.service
          """;

  private static final String RUNNERS =
      "SELECT h.service, h.runner, h.severity::text AS severity, h.worst_stage, h.since, "
          + LAST_ERROR
          + """
            FROM runner_health h
            JOIN stage_health s
              ON s.service = h.service AND s.runner = h.runner AND s.stage = h.worst_stage
           ORDER BY h.severity DESC, h.since, h.service, h.runner
          """;

  private static final String STAGES =
      """
      SELECT service, runner, stage, severity::text AS severity, since, last_error_class,
             last_error_message, last_error_at, last_ok_at, consecutive_errors, error_count
        FROM stage_health
       ORDER BY stage_health.severity DESC, since, service, runner, stage
      """;

  private HealthQueries() {}

  /** The health of one service: its worst stage. */
  record ServiceHealth(
      String service,
      String severity,
      String worstRunner,
      String worstStage,
      Instant since,
      String lastErrorClass,
      String lastErrorMessage,
      Instant lastErrorAt) {}

  /** The health of one runner of a service: its worst stage. */
  record RunnerHealth(
      String service,
      String runner,
      String severity,
      String worstStage,
      Instant since,
      String lastErrorClass,
      String lastErrorMessage,
      Instant lastErrorAt) {}

  /** One stage health record. */
  record StageHealth(
      String service,
      String runner,
      String stage,
      String severity,
      Instant since,
      String lastErrorClass,
      String lastErrorMessage,
      Instant lastErrorAt,
      Instant lastOkAt,
      int consecutiveErrors,
      long errorCount) {}

  /** Everything {@code jobwatch status} shows. */
  record Status(
      Instant generatedAt,
      List<ServiceHealth> services,
      List<RunnerHealth> runners,
      List<StageHealth> stages) {}

  static Status status(Handle handle, Instant now) {
    return new Status(now, services(handle), runners(handle), stages(handle));
  }

  static List<ServiceHealth> services(Handle handle) {
    return handle
        .createQuery(SERVICES)
        .map(
            (rs, ctx) ->
                new ServiceHealth(
                    rs.getString("service"),
                    rs.getString("severity"),
                    rs.getString("worst_runner"),
                    rs.getString("worst_stage"),
                    instant(rs, "since"),
                    rs.getString("last_error_class"),
                    rs.getString("last_error_message"),
                    instant(rs, "last_error_at")))
        .list();
  }

  static List<RunnerHealth> runners(Handle handle) {
    return handle
        .createQuery(RUNNERS)
        .map(
            (rs, ctx) ->
                new RunnerHealth(
                    rs.getString("service"),
                    rs.getString("runner"),
                    rs.getString("severity"),
                    rs.getString("worst_stage"),
                    instant(rs, "since"),
                    rs.getString("last_error_class"),
                    rs.getString("last_error_message"),
                    instant(rs, "last_error_at")))
        .list();
  }

  static List<StageHealth> stages(Handle handle) {
    return handle
        .createQuery(STAGES)
        .map(
            (rs, ctx) ->
                new StageHealth(
                    rs.getString("service"),
                    rs.getString("runner"),
                    rs.getString("stage"),
                    rs.getString("severity"),
                    instant(rs, "since"),
                    rs.getString("last_error_class"),
                    rs.getString("last_error_message"),
                    instant(rs, "last_error_at"),
                    instant(rs, "last_ok_at"),
                    rs.getInt("consecutive_errors"),
                    rs.getLong("error_count")))
        .list();
  }
}
