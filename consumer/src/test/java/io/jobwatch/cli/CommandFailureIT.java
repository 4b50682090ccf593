package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A command that fails prints picocli's stack trace, but never a database password: pgjdbc quotes a
 * URL it cannot parse, or the host it made of one, password and all.
 */
class CommandFailureIT {
  private static final Map<String, String> USER_INFO_URL =
      Map.of(
          "JOBWATCH_DB_URL",
          "jdbc:postgresql://jobwatch:hunter2@127.0.0.1:1/jobwatch",
          "JOBWATCH_KAFKA_BOOTSTRAP",
          "127.0.0.1:1");

  @Test
  @DisplayName("migrate against a URL with a password in its user info fails without printing it")
  void migrateFailsWithoutThePassword() {
    StringWriter err = new StringWriter();
    int code =
        Main.execute(
            new String[] {"migrate"},
            USER_INFO_URL,
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("jobwatch:***@").doesNotContain("hunter2");
  }

  @Test
  @DisplayName("The stack trace is masked by the password setting too, even with a bad pool size")
  void stackTracesAreMasked() {
    Exception error =
        new IllegalStateException(
            "cannot start", new UnknownHostException("jobwatch:hunter2@db (password s3cret)"));
    String trace =
        JobwatchCommand.redactedStackTrace(
            error,
            Map.of(
                "JOBWATCH_DB_URL", "jdbc:postgresql://jobwatch:hunter2@db/jobwatch",
                "JOBWATCH_DB_PASSWORD", "s3cret",
                "JOBWATCH_DB_POOL_SIZE", "four"));
    assertThat(trace)
        .contains("java.lang.IllegalStateException: cannot start", "\tat ")
        .contains("UnknownHostException: jobwatch:***@db (password ***)")
        .doesNotContain("hunter2", "s3cret");
  }
}
