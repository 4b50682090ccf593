package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.store.Database;
import io.jobwatch.store.DbConfig;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every SQL query the operator docs give (runbooks in docs/alerts.md, reference queries in
 * docs/operators.md) runs, as the read-only operator role, on the current schema. A runbook whose
 * first check fails with "column does not exist" is found here, not during an incident.
 */
@WithInfra
class DocsSqlIT {
  private static final Pattern SQL_BLOCK = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL);

  /** The statements of every sql block, comments removed; placeholders ('…') become 'x'. */
  static List<String> statements(Path markdown) throws IOException {
    List<String> statements = new ArrayList<>();
    Matcher block = SQL_BLOCK.matcher(Files.readString(markdown));
    while (block.find()) {
      String sql = block.group(1).replaceAll("(?m)--.*$", "").replace("'…'", "'x'");
      for (String statement : sql.split(";")) {
        if (!statement.isBlank()) {
          statements.add(statement.strip());
        }
      }
    }
    return statements;
  }

  @Test
  @DisplayName("The SQL of docs/alerts.md and docs/operators.md runs as the operator role")
  void docsQueriesRun(Infra infra) throws IOException {
    List<String> queries = new ArrayList<>();
    for (String doc : List.of("alerts.md", "operators.md")) {
      for (String statement : statements(Path.of("..", "docs", doc))) {
        // the operator-role setup itself, run once by an admin
        if (!statement.startsWith("CREATE ROLE") && !statement.startsWith("GRANT ")) {
          queries.add(statement);
        }
      }
    }
    assertThat(queries).hasSizeGreaterThan(20);
    assertThat(queries)
        .anySatisfy(q -> assertThat(q).contains("FROM job_waits w"))
        .anySatisfy(q -> assertThat(q).contains("FROM stuck_jobs"));

    io.jobwatch.testing.Database db = infra.newDatabase();
    try (Database database =
        Database.open(new DbConfig(db.jdbcUrl(), db.user(), db.password(), 1))) {
      database.migrate();
      Jdbi operator = OperatorRoleIT.operatorLogin(database, db);
      List<String> failures = new ArrayList<>();
      for (String query : queries) {
        try {
          operator.useHandle(h -> h.createQuery(query).mapToMap().list());
        } catch (RuntimeException e) {
          failures.add(query + "\n  -> " + e.getMessage());
        }
      }
      assertThat(failures).as("docs queries that fail").isEmpty();
    }
  }
}
