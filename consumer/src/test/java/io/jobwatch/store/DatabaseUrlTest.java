package io.jobwatch.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jobwatch.JobwatchException;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JOBWATCH_DB_URL is a JDBC URL. The other spellings of a PostgreSQL address an operator may paste
 * there (psql's and psycopg's keyword string, a libpq URI) are refused before the pool sees them:
 * HikariCP quotes a URL its driver does not take in its error and its DEBUG configuration dump,
 * masking only the JDBC form's {@code password=} parameter.
 */
class DatabaseUrlTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "host=db port=5432 password=Sup3rS3cret dbname=jobwatch",
        "postgresql://jobwatch:Sup3rS3cret@db:5432/jobwatch",
        "postgres://jobwatch:Sup3rS3cret@db/jobwatch",
        "jdbc:mysql://db/jobwatch?password=Sup3rS3cret"
      })
  void aUrlThatIsNotAPostgresqlJdbcUrlIsRefusedWithoutItsSecrets(String url) {
    Throwable refused = catchThrowable(() -> Database.open(new DbConfig(url, "jobwatch", "", 1)));

    assertThat(refused)
        .isInstanceOf(JobwatchException.class)
        .hasMessageContaining("JOBWATCH_DB_URL")
        .hasMessageContaining("jdbc:postgresql://");
    StringWriter trace = new StringWriter();
    refused.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain("Sup3rS3cret");
  }
}
