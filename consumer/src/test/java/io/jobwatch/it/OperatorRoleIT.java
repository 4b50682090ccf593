package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@WithInfra
class OperatorRoleIT {

  @Test
  @DisplayName(
      "A login role granted jobwatch_operator reads every table and view and writes nothing")
  void operatorRoleIsReadOnly(Infra infra) {
    io.jobwatch.testing.Database db = infra.newDatabase();
    try (Database database =
        Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 1))) {
      assertThat(database.migrate()).isPositive();
      String login = "alice_" + UUID.randomUUID().toString().substring(0, 8);
      database
          .jdbi()
          .useHandle(
              h ->
                  h.execute(
                      "CREATE ROLE "
                          + login
                          + " LOGIN PASSWORD 'operator-test' IN ROLE jobwatch_operator"));
      Jdbi operator = Jdbi.create(db.jdbcUrl(), login, "operator-test");
      for (String relation :
          new String[] {
            "jobs",
            "job_events",
            "job_dependencies",
            "stage_health",
            "monitors",
            "dead_letters",
            "job_crashes",
            "job_attempt_crashes",
            "service_health",
            "runner_health",
            "monitor_status",
            "monitor_declarations",
            "job_waits",
            "stuck_jobs"
          }) {
        long rows =
            operator.withHandle(
                h -> h.createQuery("SELECT count(*) FROM " + relation).mapTo(Long.class).one());
        assertThat(rows).as(relation).isZero();
      }
      assertThatThrownBy(
              () ->
                  operator.useHandle(
                      h ->
                          h.execute(
                              "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, reason) VALUES ('t', 0, 0, 'r')")))
          .isInstanceOf(UnableToExecuteStatementException.class)
          .hasMessageContaining("permission denied");
    }
  }
}
