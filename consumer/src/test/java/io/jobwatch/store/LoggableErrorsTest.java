package io.jobwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

class LoggableErrorsTest {

  @Test
  @DisplayName("A refused row is described by SQLSTATE and message, without its data or arguments")
  void noRowData() {
    // The fields of a PostgreSQL ErrorResponse: S severity, C code, M message, D detail.
    ServerErrorMessage server =
        new ServerErrorMessage(
            "SERROR\0C23514\0Mnew row for relation \"jobs\" violates check constraint"
                + " \"jobs_state_check\"\0DFailing row contains (job-42, secret-payload)\0");
    PSQLException psql = new PSQLException(server);
    UnableToExecuteStatementException jdbi =
        new UnableToExecuteStatementException(
            "insert failed [statement:\"INSERT ...\", arguments:{positional:{0:secret-argument}}]",
            psql,
            null);

    String described = LoggableErrors.describe(new RuntimeException("batch failed", jdbi));

    assertThat(psql.getMessage())
        .as("the raw message does carry the row")
        .contains("secret-payload");
    assertThat(described)
        .contains("batch failed")
        .contains("UnableToExecuteStatementException")
        .contains("SQLSTATE 23514")
        .contains("violates check constraint \"jobs_state_check\"")
        .doesNotContain("secret-payload")
        .doesNotContain("secret-argument")
        .doesNotContain("job-42");
  }

  @Test
  @DisplayName("Other errors are described by their type and message, cause by cause")
  void otherErrors() {
    assertThat(
            LoggableErrors.describe(
                new IllegalStateException("outer", new java.io.IOException("connection reset"))))
        .isEqualTo(
            "java.lang.IllegalStateException: outer <- java.io.IOException: connection reset");
  }
}
