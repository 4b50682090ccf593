package io.jobwatch.cli;

import static io.jobwatch.cli.Rows.instant;

import io.jobwatch.store.StageHealthTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Service, runner and stage health as {@code jobwatch status} shows them, worst first, then
 * longest-standing first; the SQL is {@link StageHealthTable}'s. Stateless.
 */
final class HealthQueries {
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

  /**
   * Services, runners and stages from one snapshot (a repeatable-read transaction), so that a
   * consumer committing between the three queries cannot make them contradict each other.
   */
  static Status status(Connection connection, Instant now) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    int isolation = connection.getTransactionIsolation();
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    Status status;
    try {
      status = new Status(now, services(connection), runners(connection), stages(connection));
      connection.commit();
    } catch (SQLException | RuntimeException failure) {
      // The failure says why (a terminated session, a lost network); a clean-up on the broken
      // connection would only say that it is closed.
      try {
        restore(connection, isolation, autoCommit);
      } catch (SQLException cleanUp) {
        failure.addSuppressed(cleanUp);
      }
      throw failure;
    }
    restore(connection, isolation, autoCommit);
    return status;
  }

  private static void restore(Connection connection, int isolation, boolean autoCommit)
      throws SQLException {
    if (!connection.getAutoCommit()) {
      connection.rollback();
    }
    connection.setTransactionIsolation(isolation);
    connection.setAutoCommit(autoCommit);
  }

  static List<ServiceHealth> services(Connection connection) throws SQLException {
    return StageHealthTable.servicesWorstFirst(
        connection,
        rs ->
            new ServiceHealth(
                rs.getString("service"),
                rs.getString("severity"),
                rs.getString("worst_runner"),
                rs.getString("worst_stage"),
                instant(rs, "since"),
                rs.getString("last_error_class"),
                rs.getString("last_error_message"),
                instant(rs, "last_error_at")));
  }

  static List<RunnerHealth> runners(Connection connection) throws SQLException {
    return StageHealthTable.runnersWorstFirst(
        connection,
        rs ->
            new RunnerHealth(
                rs.getString("service"),
                rs.getString("runner"),
                rs.getString("severity"),
                rs.getString("worst_stage"),
                instant(rs, "since"),
                rs.getString("last_error_class"),
                rs.getString("last_error_message"),
                instant(rs, "last_error_at")));
  }

  static List<StageHealth> stages(Connection connection) throws SQLException {
    return StageHealthTable.stagesWorstFirst(
        connection,
        rs ->
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
                rs.getLong("error_count")));
  }
}
