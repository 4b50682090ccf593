package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@WithInfra
class OperatorRoleIT {
  private static final String[] TABLES = {
    "jobs", "job_events", "job_dependencies", "stage_health", "monitors", "dead_letters"
  };

  @Test
  @DisplayName(
      "A login role granted jobwatch_operator reads every table and view and writes nothing")
  void operatorRoleIsReadOnly(Infra infra) {
    io.jobwatch.testing.Database db = infra.newDatabase();
    try (Database database =
        Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 1))) {
      assertThat(database.migrate()).isPositive();
      Jdbi operator = operatorLogin(database, db);
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

  @Test
  @DisplayName(
      "The operator role can neither UPDATE, DELETE nor TRUNCATE any table, nor CREATE a table,"
          + " a schema or a view; the rows stay as they were")
  void operatorRoleCannotChangeOrCreate(Infra infra) {
    io.jobwatch.testing.Database db = infra.newDatabase();
    try (Database database =
        Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 1))) {
      database.migrate();
      Jdbi operator = operatorLogin(database, db);
      database
          .jdbi()
          .useHandle(
              h ->
                  h.execute(
                      "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, reason)"
                          + " VALUES ('t', 0, 0, 'kept')"));
      for (String table : TABLES) {
        for (String statement :
            new String[] {
              "UPDATE " + table + " SET " + firstColumn(database, table) + " = NULL",
              "DELETE FROM " + table,
              "TRUNCATE " + table
            }) {
          refused(operator, statement);
        }
      }
      refused(operator, "CREATE TABLE operator_scratch (x integer)");
      refused(operator, "CREATE VIEW operator_view AS SELECT 1 AS x");
      refused(operator, "CREATE SCHEMA operator_schema");
      refused(operator, "CREATE INDEX operator_index ON dead_letters (reason)");
      refused(operator, "ALTER TABLE jobs ADD COLUMN operator_note text");
      refused(operator, "DROP TABLE dead_letters");

      List<String> reasons =
          database
              .jdbi()
              .withHandle(
                  h -> h.createQuery("SELECT reason FROM dead_letters").mapTo(String.class).list());
      assertThat(reasons).containsExactly("kept");
      long created =
          database
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT count(*) FROM pg_class WHERE relname LIKE 'operator\\_%'")
                          .mapTo(Long.class)
                          .one());
      assertThat(created).isZero();
    }
  }

  @Test
  @DisplayName(
      "Every table, partition and view of the schema, one a later pass creates included, is"
          + " readable by jobwatch_operator and writable by no member of it; its functions write"
          + " nothing for it")
  void everyRelationIsReadableAndNoneWritable(Infra infra) {
    io.jobwatch.testing.Database db = infra.newDatabase();
    try (Database database =
        Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 1))) {
      database.migrate();
      // A day partition created after the migrations, as a retention pass creates them.
      database
          .jdbi()
          .useHandle(h -> h.execute("SELECT jobwatch_event_partition(current_date + 30)"));
      Jdbi operator = operatorLogin(database, db);
      List<String> relations =
          database
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT c.relname FROM pg_class c"
                                  + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                                  + " WHERE n.nspname = current_schema()"
                                  + " AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1")
                          .mapTo(String.class)
                          .list());
      assertThat(relations).contains("consumer_topics", "job_tombstones", "job_events_default");
      for (String relation : relations) {
        List<Boolean> privileges =
            operator.withHandle(
                h ->
                    h.createQuery(
                            "SELECT has_table_privilege(current_user, c.oid, p)"
                                + " FROM pg_class c, unnest(ARRAY['SELECT', 'INSERT', 'UPDATE',"
                                + " 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) WITH"
                                + " ORDINALITY AS u(p, i)"
                                + " WHERE c.oid = to_regclass(:relation) ORDER BY i")
                        .bind("relation", relation)
                        .mapTo(Boolean.class)
                        .list());
        assertThat(privileges)
            .as(relation)
            .containsExactly(true, false, false, false, false, false, false);
      }
      refused(operator, "SELECT jobwatch_event_partition(current_date + 40)");
      refused(
          operator,
          "SELECT jobwatch_drop_event_partition('job_events_'"
              + " || to_char(current_date + 30, 'YYYYMMDD'))");
      long partitions =
          database
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT count(*) FROM pg_class WHERE relname IN ('job_events_' ||"
                                  + " to_char(current_date + 30, 'YYYYMMDD'), 'job_events_' ||"
                                  + " to_char(current_date + 40, 'YYYYMMDD'))")
                          .mapTo(Long.class)
                          .one());
      assertThat(partitions).isEqualTo(1);
    }
  }

  private static String firstColumn(Database database, String table) {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT column_name FROM information_schema.columns"
                            + " WHERE table_schema = 'public' AND table_name = :table"
                            + " ORDER BY ordinal_position LIMIT 1")
                    .bind("table", table)
                    .mapTo(String.class)
                    .one());
  }

  /** A new login role granted jobwatch_operator on a migrated database, connected. */
  static Jdbi operatorLogin(Database database, io.jobwatch.testing.Database db) {
    String login = "operator_" + UUID.randomUUID().toString().substring(0, 8);
    database
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "CREATE ROLE "
                        + login
                        + " LOGIN PASSWORD 'operator-test' IN ROLE jobwatch_operator"));
    return Jdbi.create(db.jdbcUrl(), login, "operator-test");
  }

  private static void refused(Jdbi operator, String statement) {
    assertThatThrownBy(() -> operator.useHandle(h -> h.execute(statement)))
        .as(statement)
        .isInstanceOf(UnableToExecuteStatementException.class)
        .hasMessageMatching("(?s).*(permission denied|must be owner).*");
  }
}
