package io.jobwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What every session of a jobwatch pool carries, asked of a real PostgreSQL. */
@WithInfra
class SessionSettingsIT {
  @Test
  @DisplayName(
      "A pool session has JIT off, ends a transaction left idle for a minute (a client gone"
          + " before its COMMIT arrived) and probes its client after 30 s of silence")
  void sessionsEndOrphanedTransactionsAndProbeSilentClients(Infra infra) {
    io.jobwatch.testing.Database db = infra.newDatabase();
    try (Database database =
        Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 2))) {
      Map<String, Object> settings =
          database
              .jdbi()
              .withHandle(
                  handle ->
                      handle
                          .createQuery(
                              "SELECT current_setting('jit') AS jit,"
                                  + " current_setting('idle_in_transaction_session_timeout')"
                                  + " AS idle_in_transaction,"
                                  + " current_setting('tcp_keepalives_idle') AS keepalives_idle,"
                                  + " current_setting('tcp_keepalives_interval')"
                                  + " AS keepalives_interval,"
                                  + " current_setting('tcp_keepalives_count') AS keepalives_count")
                          .mapToMap()
                          .one());
      assertThat(settings)
          .containsEntry("jit", "off")
          .containsEntry("idle_in_transaction", "1min")
          .containsEntry("keepalives_idle", "30")
          .containsEntry("keepalives_interval", "10")
          .containsEntry("keepalives_count", "3");
    }
  }
}
