package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code jobwatch status} reads services, runners and stages in three queries: a consumer that
 * commits between them must not make the output contradict itself.
 */
@WithInfra
class StatusSnapshotIT {
  @Test
  @DisplayName(
      "status reads services, runners and stages from one snapshot, also while a stage recovers"
          + " between its queries")
  void oneSnapshot(Infra infra) throws Exception {
    io.jobwatch.testing.Database db = infra.newDatabase();
    try (Database database =
        Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 1))) {
      database.migrate();
      database
          .jdbi()
          .useHandle(
              h ->
                  h.execute(
                      "INSERT INTO stage_health (service, runner, stage, severity, since,"
                          + " last_error_class, last_error_at, consecutive_errors, error_count,"
                          + " recent) VALUES ('blast', 'slurm', 'submit', 'error', now(),"
                          + " 'ConnectionError', now(), 3, 3, '[]')"));
      try (Connection real = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
          Connection writer = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
        AtomicInteger prepared = new AtomicInteger();
        // After the services query, a consumer commits the stage's recovery.
        Connection racing =
            (Connection)
                Proxy.newProxyInstance(
                    Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                      if (method.getName().equals("prepareStatement")
                          && prepared.incrementAndGet() == 2) {
                        try (var statement = writer.createStatement()) {
                          statement.execute(
                              "UPDATE stage_health SET severity = 'ok', since = now(),"
                                  + " consecutive_errors = 0");
                        }
                      }
                      try {
                        return method.invoke(real, args);
                      } catch (InvocationTargetException e) {
                        throw e.getCause();
                      }
                    });

        HealthQueries.Status status = HealthQueries.status(racing, Instant.now());

        assertThat(prepared.get()).isEqualTo(3);
        String service = status.services().get(0).severity();
        assertThat(status.runners().get(0).severity()).as("runner vs service").isEqualTo(service);
        assertThat(status.stages().get(0).severity()).as("stage vs service").isEqualTo(service);
      }
    }
  }
}
