package io.jobwatch.store;

import io.jobwatch.core.monitor.FinishedRun;
import io.jobwatch.core.monitor.MonitorChange.Schedule;
import io.jobwatch.core.monitor.MonitorEvaluation;
import io.jobwatch.core.monitor.MonitorEvaluator;
import io.jobwatch.core.monitor.MonitorRules;
import io.jobwatch.core.monitor.MonitorState;
import io.jobwatch.core.monitor.MonitorStatus;
import io.jobwatch.core.monitor.OpenRun;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * SQL of the {@code monitors} table. Monitor events and monitored runs reach it from every
 * partition, so a batch locks the records it folds, in name order. Stateless and thread-safe.
 */
public final class MonitorsTable {
  private static final String COLUMNS =
      """
      monitor, team, schedule_cron, schedule_timezone, paused, retired_at IS NOT NULL
        AND (declared_at IS NULL OR declared_at <= retired_at) AS retired,
      declared_at, paused_changed_at, retired_at, last_start_at, last_success_at, last_failure_at,
      last_finish_at, last_seen_at,
      (extract(epoch FROM schedule_every) * 1000)::bigint AS every_ms,
      (extract(epoch FROM grace) * 1000)::bigint AS grace_ms,
      (extract(epoch FROM max_runtime) * 1000)::bigint AS max_runtime_ms,
      (extract(epoch FROM last_run_duration) * 1000)::bigint AS last_run_ms,
      (extract(epoch FROM min_runtime) * 1000)::bigint AS min_runtime_ms,
      (extract(epoch FROM start_grace) * 1000)::bigint AS start_grace_ms,
      failure_threshold, recovery_threshold, max_runs,
      (extract(epoch FROM runs_period) * 1000)::bigint AS runs_period_ms, recent_runs::text,
      last_finished_start_at, open_runs::text,
      schedule_declarations::text, schedule_replaced_at
      """;

  private static final String ENSURE =
      """
      INSERT INTO monitors (monitor)
      SELECT name FROM unnest(:names::text[]) AS n(name) ORDER BY name
      ON CONFLICT (monitor) DO NOTHING
      """;

  private static final String LOCK =
      "SELECT "
          + COLUMNS
          + " FROM monitors WHERE monitor = ANY(:names::text[]) ORDER BY monitor FOR UPDATE";

  private static final String ALL = "SELECT " + COLUMNS + " FROM monitors ORDER BY monitor";

  // xmin: the transaction that wrote the row version read, so that a re-evaluation is stored only
  // over that version (storeEvaluations).
  private static final String ALL_WITH_EVALUATION =
      "SELECT "
          + COLUMNS
          + ", status, expected_at, deadline, xmin::text AS row_version"
          + " FROM monitors ORDER BY monitor";

  private static final String UPDATE =
      """
      UPDATE monitors m SET
        team = u.team,
        schedule_every = (u.every_ms || ' milliseconds')::interval,
        schedule_cron = u.schedule_cron, schedule_timezone = u.schedule_timezone,
        grace = (u.grace_ms || ' milliseconds')::interval,
        max_runtime = (u.max_runtime_ms || ' milliseconds')::interval,
        declared_at = u.declared_at::timestamptz, paused = u.paused,
        paused_changed_at = u.paused_changed_at::timestamptz,
        retired_at = u.retired_at::timestamptz, last_start_at = u.last_start_at::timestamptz,
        last_success_at = u.last_success_at::timestamptz,
        last_failure_at = u.last_failure_at::timestamptz,
        last_finish_at = u.last_finish_at::timestamptz,
        last_run_duration = (u.last_run_ms || ' milliseconds')::interval,
        last_seen_at = u.last_seen_at::timestamptz,
        status = u.status, expected_at = u.expected_at::timestamptz,
        deadline = u.deadline::timestamptz, evaluated_at = u.evaluated_at::timestamptz,
        min_runtime = (u.min_runtime_ms || ' milliseconds')::interval,
        start_grace = (u.start_grace_ms || ' milliseconds')::interval,
        failure_threshold = u.failure_threshold, recovery_threshold = u.recovery_threshold,
        max_runs = u.max_runs, runs_period = (u.runs_period_ms || ' milliseconds')::interval,
        recent_runs = u.recent_runs::jsonb, consecutive_failures = u.consecutive_failures,
        last_finished_start_at = u.last_finished_start_at::timestamptz,
        open_runs = u.open_runs::jsonb, schedule_declarations = u.schedule_declarations::jsonb,
        schedule_replaced_at = u.schedule_replaced_at::timestamptz, updated_at = now()
        FROM unnest(:monitor::text[], :team::text[], :every_ms::bigint[], :schedule_cron::text[],
                    :schedule_timezone::text[], :grace_ms::bigint[], :max_runtime_ms::bigint[],
                    :declared_at::text[], :paused::boolean[], :paused_changed_at::text[],
                    :retired_at::text[], :last_start_at::text[], :last_success_at::text[],
                    :last_failure_at::text[], :last_finish_at::text[], :last_run_ms::bigint[],
                    :last_seen_at::text[], :status::text[], :expected_at::text[],
                    :deadline::text[], :evaluated_at::text[], :min_runtime_ms::bigint[],
                    :start_grace_ms::bigint[], :failure_threshold::int[],
                    :recovery_threshold::int[], :max_runs::int[], :runs_period_ms::bigint[],
                    :recent_runs::text[], :consecutive_failures::int[],
                    :last_finished_start_at::text[], :open_runs::text[],
                    :schedule_declarations::text[], :schedule_replaced_at::text[])
          AS u(monitor, team, every_ms, schedule_cron, schedule_timezone, grace_ms,
               max_runtime_ms, declared_at, paused, paused_changed_at, retired_at, last_start_at,
               last_success_at, last_failure_at, last_finish_at, last_run_ms, last_seen_at, status,
               expected_at, deadline, evaluated_at, min_runtime_ms, start_grace_ms,
               failure_threshold, recovery_threshold, max_runs, runs_period_ms, recent_runs,
               consecutive_failures, last_finished_start_at, open_runs, schedule_declarations,
               schedule_replaced_at)
       WHERE m.monitor = u.monitor
      """;

  private static final String EVALUATE =
      """
      UPDATE monitors m SET status = u.status, expected_at = u.expected_at::timestamptz,
             deadline = u.deadline::timestamptz, evaluated_at = u.evaluated_at::timestamptz
        FROM unnest(:monitor::text[], :row_version::text[], :status::text[], :expected_at::text[],
                    :deadline::text[], :evaluated_at::text[])
          AS u(monitor, row_version, status, expected_at, deadline, evaluated_at)
       WHERE m.monitor = u.monitor AND m.xmin = u.row_version::xid
      """;

  private MonitorsTable() {}

  /** A monitor's folded state with its evaluation at some instant (null when undeclared). */
  public record Evaluated(MonitorState state, MonitorEvaluation evaluation, Instant evaluatedAt) {}

  /** Locks the records of {@code names}, creating missing ones, and returns their states. */
  public static Map<String, MonitorState> lock(Handle handle, List<String> names) {
    Map<String, MonitorState> states = new HashMap<>();
    if (names.isEmpty()) {
      return states;
    }
    String[] sorted = names.stream().sorted().toArray(String[]::new);
    handle.createUpdate(ENSURE).bind("names", sorted).execute();
    handle
        .createQuery(LOCK)
        .bind("names", sorted)
        .map((rs, ctx) -> read(rs))
        .forEach(state -> states.put(state.monitor(), state));
    return states;
  }

  // Issue 13.2: what `jobwatch monitors` and `monitors apply` read, through the operator views.
  private static final String STATUS_ALL =
      """
      SELECT monitor, team, status, last_success_at, deadline, expected_at, last_seen_at,
             last_failure_at
        FROM monitor_status ORDER BY monitor
      """;

  private static final String DECLARATIONS_ALL =
      """
      SELECT monitor, declaration::text AS declaration, retired
        FROM monitor_declarations ORDER BY monitor
      """;

  /**
   * Every declared monitor from {@code monitor_status}: columns monitor, team, status,
   * last_success_at, deadline, expected_at, last_seen_at, last_failure_at.
   */
  public static <T> List<T> statusAll(Handle handle, RowMapper<T> mapper) {
    return handle.createQuery(STATUS_ALL).map(mapper).list();
  }

  /**
   * The declaration in force of every monitor from {@code monitor_declarations}: columns monitor,
   * declaration (JSON text), retired.
   */
  public static <T> List<T> declarationsInForce(Handle handle, RowMapper<T> mapper) {
    return handle.createQuery(DECLARATIONS_ALL).map(mapper).list();
  }

  /**
   * A monitor's state with the evaluation last stored for it (null if none), and the version of the
   * row they were read from.
   */
  public record Stored(MonitorState state, MonitorEvaluation evaluation, String version) {}

  /** A fresh evaluation of a monitor read by {@link #allWithEvaluation}, for an instant. */
  public record Reevaluated(Stored read, MonitorEvaluation evaluation, Instant evaluatedAt) {}

  /** Every monitor's state with its stored evaluation. */
  public static List<Stored> allWithEvaluation(Handle handle) {
    return handle
        .createQuery(ALL_WITH_EVALUATION)
        .map(
            (rs, ctx) -> {
              MonitorState state = read(rs);
              String status = rs.getString("status");
              MonitorEvaluation evaluation =
                  status == null
                      ? null
                      : new MonitorEvaluation(
                          MonitorStatus.fromWireName(status),
                          StageHealthTable.instant(rs, "expected_at"),
                          StageHealthTable.instant(rs, "deadline"),
                          state.lastSeenAt());
              return new Stored(state, evaluation, rs.getString("row_version"));
            })
        .list();
  }

  /** Every monitor's state. */
  public static List<MonitorState> all(Handle handle) {
    return handle.createQuery(ALL).map((rs, ctx) -> read(rs)).list();
  }

  /** Writes folded states with their evaluation; the records must be locked by this transaction. */
  public static void update(Handle handle, List<Evaluated> rows) {
    if (rows.isEmpty()) {
      return;
    }
    int written =
        handle
            .createUpdate(UPDATE)
            .bind("monitor", Columns.text(rows, r -> r.state().monitor()))
            .bind("team", Columns.text(rows, r -> r.state().team()))
            .bind("every_ms", Columns.bigint(rows, r -> millis(everyOf(r.state().schedule()))))
            .bind("schedule_cron", Columns.text(rows, r -> cronOf(r.state().schedule())))
            .bind("schedule_timezone", Columns.text(rows, r -> zoneOf(r.state().schedule())))
            .bind("grace_ms", Columns.bigint(rows, r -> millis(r.state().grace())))
            .bind("max_runtime_ms", Columns.bigint(rows, r -> millis(r.state().maxRuntime())))
            .bind("declared_at", Columns.instant(rows, r -> r.state().declaredAt()))
            .bind("paused", Columns.bool(rows, r -> r.state().paused()))
            .bind("paused_changed_at", Columns.instant(rows, r -> r.state().pausedChangedAt()))
            .bind("retired_at", Columns.instant(rows, r -> r.state().retiredAt()))
            .bind("last_start_at", Columns.instant(rows, r -> r.state().lastStartAt()))
            .bind("last_success_at", Columns.instant(rows, r -> r.state().lastSuccessAt()))
            .bind("last_failure_at", Columns.instant(rows, r -> r.state().lastFailureAt()))
            .bind("last_finish_at", Columns.instant(rows, r -> r.state().lastFinishAt()))
            .bind("last_run_ms", Columns.bigint(rows, r -> millis(r.state().lastRunDuration())))
            .bind("last_seen_at", Columns.instant(rows, r -> r.state().lastSeenAt()))
            .bind("status", Columns.text(rows, MonitorsTable::statusOf))
            .bind(
                "expected_at",
                Columns.instant(
                    rows, r -> r.evaluation() == null ? null : r.evaluation().expectedAt()))
            .bind(
                "deadline",
                Columns.instant(
                    rows, r -> r.evaluation() == null ? null : r.evaluation().deadline()))
            .bind("evaluated_at", Columns.instant(rows, Evaluated::evaluatedAt))
            .bind("min_runtime_ms", Columns.bigint(rows, r -> millis(rulesOf(r).minRuntime())))
            .bind("start_grace_ms", Columns.bigint(rows, r -> millis(rulesOf(r).startGrace())))
            .bind("failure_threshold", Columns.integer(rows, r -> rulesOf(r).failureThreshold()))
            .bind("recovery_threshold", Columns.integer(rows, r -> rulesOf(r).recoveryThreshold()))
            .bind("max_runs", Columns.integer(rows, r -> rulesOf(r).maxRuns()))
            .bind("runs_period_ms", Columns.bigint(rows, r -> millis(rulesOf(r).runsPeriod())))
            .bind("recent_runs", Columns.text(rows, r -> Json.write(r.state().recentRuns())))
            .bind(
                "consecutive_failures",
                Columns.integer(rows, r -> MonitorEvaluator.consecutiveFailures(r.state())))
            .bind(
                "last_finished_start_at",
                Columns.instant(rows, r -> r.state().lastFinishedStartAt()))
            .bind("open_runs", Columns.text(rows, r -> Json.write(r.state().openRuns())))
            .bind(
                "schedule_declarations",
                Columns.text(rows, r -> Json.write(r.state().scheduleDeclarations())))
            .bind(
                "schedule_replaced_at", Columns.instant(rows, r -> r.state().scheduleReplacedAt()))
            .execute();
    Checks.expectRows("update monitors", rows.size(), written);
  }

  /**
   * Stores fresh evaluations (status, expected time, deadline) for an instant, each only over the
   * row version it was evaluated from: the read does not lock the rows, and a batch that folded a
   * monitor since then (another instance's, or this one's) stored its own, fresher evaluation with
   * its state, which a stale one must not overwrite. Under READ COMMITTED the update waits for such
   * a batch and then finds the row's version changed. Returns how many were stored.
   */
  public static int storeEvaluations(Handle handle, List<Reevaluated> rows) {
    if (rows.isEmpty()) {
      return 0;
    }
    return handle
        .createUpdate(EVALUATE)
        .bind("monitor", Columns.text(rows, r -> r.read().state().monitor()))
        .bind("row_version", Columns.text(rows, r -> r.read().version()))
        .bind(
            "status",
            Columns.text(
                rows, r -> r.evaluation() == null ? null : r.evaluation().status().wireName()))
        .bind(
            "expected_at",
            Columns.instant(rows, r -> r.evaluation() == null ? null : r.evaluation().expectedAt()))
        .bind(
            "deadline",
            Columns.instant(rows, r -> r.evaluation() == null ? null : r.evaluation().deadline()))
        .bind("evaluated_at", Columns.instant(rows, Reevaluated::evaluatedAt))
        .execute();
  }

  private static MonitorRules rulesOf(Evaluated row) {
    return row.state().rules();
  }

  private static String statusOf(Evaluated row) {
    return row.evaluation() == null ? null : row.evaluation().status().wireName();
  }

  private static Duration everyOf(Schedule schedule) {
    return schedule instanceof Schedule.Every every ? every.every() : null;
  }

  private static String cronOf(Schedule schedule) {
    return schedule instanceof Schedule.Cron cron ? cron.expression() : null;
  }

  private static String zoneOf(Schedule schedule) {
    return schedule instanceof Schedule.Cron cron ? cron.zone().getId() : null;
  }

  private static Long millis(Duration duration) {
    return duration == null ? null : duration.toMillis();
  }

  private static Duration duration(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : Duration.ofMillis(value);
  }

  private static MonitorState read(ResultSet rs) throws SQLException {
    Schedule schedule = null;
    Duration every = duration(rs, "every_ms");
    if (every != null) {
      schedule = new Schedule.Every(every);
    } else if (rs.getString("schedule_cron") != null) {
      schedule =
          new Schedule.Cron(
              rs.getString("schedule_cron"), ZoneId.of(rs.getString("schedule_timezone")));
    }
    return new MonitorState(
        rs.getString("monitor"),
        rs.getString("team"),
        schedule,
        duration(rs, "grace_ms"),
        duration(rs, "max_runtime_ms"),
        StageHealthTable.instant(rs, "declared_at"),
        rs.getBoolean("paused"),
        StageHealthTable.instant(rs, "paused_changed_at"),
        rs.getBoolean("retired"),
        StageHealthTable.instant(rs, "retired_at"),
        StageHealthTable.instant(rs, "last_start_at"),
        StageHealthTable.instant(rs, "last_success_at"),
        StageHealthTable.instant(rs, "last_failure_at"),
        StageHealthTable.instant(rs, "last_finish_at"),
        duration(rs, "last_run_ms"),
        StageHealthTable.instant(rs, "last_seen_at"),
        new MonitorRules(
            duration(rs, "min_runtime_ms"),
            duration(rs, "start_grace_ms"),
            rs.getInt("failure_threshold"),
            rs.getInt("recovery_threshold"),
            (Integer) rs.getObject("max_runs"),
            duration(rs, "runs_period_ms")),
        List.of(Json.read(rs.getString("recent_runs"), FinishedRun[].class)),
        StageHealthTable.instant(rs, "last_finished_start_at"),
        List.of(Json.read(rs.getString("open_runs"), OpenRun[].class)),
        List.of(Json.read(rs.getString("schedule_declarations"), Instant[].class)),
        StageHealthTable.instant(rs, "schedule_replaced_at"));
  }
}
