package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"status", "status --json", "job x", "monitors", "retention --dry-run", "migrate"})
  @DisplayName(
      "A libpq connection string (host=… password=…) where the JDBC URL belongs fails in one line"
          + " without printing the password")
  void aLibpqConnectionStringIsNotPrintedWithItsPassword(String command) {
    StringWriter err = new StringWriter();
    int code =
        executeWithoutDatabase(
            command, "host=127.0.0.1 port=1 password=hunter2 dbname=jobwatch", Map.of(), err);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).doesNotContain("hunter2", "\tat ");
  }

  /** Runs {@code command} with {@code url} as JOBWATCH_DB_URL and no Kafka broker listening. */
  private static int executeWithoutDatabase(
      String command, String url, Map<String, String> more, StringWriter err) {
    Map<String, String> environment = new HashMap<>(more);
    environment.put("JOBWATCH_DB_URL", url);
    environment.put("JOBWATCH_KAFKA_BOOTSTRAP", "127.0.0.1:1");
    return Main.execute(
        command.split(" "),
        environment,
        new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "job x",
        "monitors",
        "dead-letters list",
        "dead-letters show 1",
        "retention --dry-run"
      })
  @DisplayName("A read command against a database that does not answer fails in one line")
  void unreachableDatabaseIsOneLine(String command) {
    StringWriter err = new StringWriter();
    int code =
        executeWithoutDatabase(
            command,
            "jdbc:postgresql://127.0.0.1:1/jobwatch?connectTimeout=2",
            Map.of("JOBWATCH_DB_PASSWORD", "hunter2"),
            err);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().lines()).singleElement().asString().startsWith("jobwatch: ");
    assertThat(err.toString()).contains("127.0.0.1:1").doesNotContain("hunter2", "\tat ");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
            + " password=\"s3cret\"",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
            + " password=\"s3cret\";",
        "not a login module password=s3cret;"
      })
  @DisplayName("emit with a SASL configuration the client refuses or cannot use never prints it")
  void saslSecretsAreNotPrinted(String jaas) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.execute(
            new String[] {
              "emit", "stage.ok", "--service", "blast", "--runner", "slurm", "--stage", "submit"
            },
            Map.of(
                "JOBWATCH_KAFKA_BOOTSTRAP", "127.0.0.1:1",
                "JOBWATCH_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "JOBWATCH_KAFKA_SASL_MECHANISM", "PLAIN",
                "JOBWATCH_KAFKA_SASL_JAAS_CONFIG", jaas,
                "JOBWATCH_SPOOL_DIR", System.getProperty("java.io.tmpdir") + "/jw-sasl-spool"),
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isEqualTo(1);
    assertThat(out.toString() + err.toString()).doesNotContain("s3cret");
    assertThat(err.toString().lines()).as(err.toString()).hasSize(1);
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
