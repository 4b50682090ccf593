package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.config.Settings;
import io.jobwatch.testing.Database;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The sessions of the commands that write (retention, replay), asked of a real PostgreSQL. */
@WithInfra
class CliSessionsIT {
  @Test
  @DisplayName(
      "A command's session (jobwatch retention from cron, dead-letters replay) ends a transaction"
          + " left idle for a minute and probes a silent client, as the consumer's sessions do:"
          + " a pass whose COMMIT the network lost does not hold its locks and the retention lock"
          + " for hours")
  void commandSessionsEndOrphanedTransactions(Infra infra) {
    Map<String, Object> session =
        commandJdbi(infra)
            .withHandle(
                handle ->
                    handle
                        .createQuery(
                            "SELECT current_setting('idle_in_transaction_session_timeout')"
                                + " AS idle_in_transaction,"
                                + " current_setting('tcp_keepalives_idle') AS keepalives_idle,"
                                + " current_setting('tcp_keepalives_count') AS keepalives_count")
                        .mapToMap()
                        .one());
    assertThat(session)
        .containsEntry("idle_in_transaction", "1min")
        .containsEntry("keepalives_idle", "30")
        .containsEntry("keepalives_count", "3");
  }

  @Test
  @DisplayName(
      "A command's session names itself jobwatch in pg_stat_activity, as the consumer's do: the"
          + " session of a retention pass from cron holding the retention lock is told from other"
          + " applications'")
  void commandSessionsAreNamedJobwatch(Infra infra) {
    String name =
        commandJdbi(infra)
            .withHandle(
                handle ->
                    handle
                        .createQuery(
                            "SELECT application_name FROM pg_stat_activity"
                                + " WHERE pid = pg_backend_pid()")
                        .mapTo(String.class)
                        .one());
    assertThat(name).isEqualTo("jobwatch");
  }

  /** The Jdbi a command gets for a fresh database, as configured by the environment. */
  private static Jdbi commandJdbi(Infra infra) {
    Database db = infra.newDatabase();
    return CliOutput.jdbi(
        Settings.fromEnvironment(
            Map.of(
                "JOBWATCH_DB_URL", db.jdbcUrl(),
                "JOBWATCH_DB_USER", db.user(),
                "JOBWATCH_DB_PASSWORD", db.password())));
  }
}
