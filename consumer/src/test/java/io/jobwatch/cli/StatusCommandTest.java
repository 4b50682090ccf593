package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.store.DbConfig;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code status} and {@code status --json} are answered without picocli (issue 11.4); every other
 * command line must still reach the parser. The oracle for what the two plain lines mean is
 * picocli's own parse of them. Reading a database is {@code StatusCommandIT}'s.
 */
class StatusCommandTest {
  private static final DbConfig DB =
      new DbConfig("jdbc:postgresql://jobwatch:hunter2@db/jobwatch", "jobwatch", "s3cret", 4);

  @Test
  @DisplayName("The two plain lines are the ones picocli reads as status, with and without --json")
  void thePlainLinesAreTheOnesPicocliReadsAsStatusWithOrWithoutJson() {
    for (List<String> line : List.of(List.of("status"), List.of("status", "--json"))) {
      String[] args = line.toArray(String[]::new);
      CommandLine.ParseResult parsed = JobwatchCommand.commandLine(Map.of()).parseArgs(args);
      Object command = parsed.subcommand().commandSpec().userObject();
      assertThat(command).isInstanceOf(StatusCommand.class);
      assertThat(((StatusCommand) command).json).as(line.toString()).isEqualTo(line.size() == 2);
      assertThat(StatusCommand.isPlain(args)).as(line.toString()).isTrue();
    }
  }

  @Test
  @DisplayName("Any other command line is left to the parser")
  void anyOtherCommandLineIsLeftToTheParser() {
    for (List<String> line :
        List.of(
            List.<String>of(),
            List.of("--help"),
            List.of("status", "--help"),
            List.of("status", "-h"),
            List.of("status", "--jsn"),
            List.of("status", "--json", "--json"),
            List.of("status", "extra"),
            List.of("--json", "status"),
            List.of("statuses"),
            List.of("job", "status"))) {
      assertThat(StatusCommand.isPlain(line.toArray(String[]::new))).as(line.toString()).isFalse();
    }
  }

  @Test
  @DisplayName("A failure is one line: first lines of the error and its causes, secrets masked")
  void aFailureIsOneMaskedLine() {
    SQLException error =
        new SQLException(
            "Unable to parse URL jdbc:postgresql://jobwatch:hunter2@db/jobwatch\n  Position: 3",
            "08001",
            new UnknownHostException("db: password s3cret"));
    String line = StatusCommand.describe(error, DB);
    assertThat(line)
        .isEqualTo(
            "Unable to parse URL jdbc:postgresql://jobwatch:***@db/jobwatch:"
                + " UnknownHostException: db: password ***")
        .doesNotContain("hunter2", "s3cret", "\n");
  }

  @Test
  @DisplayName("A missing schema gets a hint to migrate")
  void aMissingSchemaGetsAHint() {
    SQLException error =
        new SQLException("ERROR: relation \"service_health\" does not exist", "42P01");
    assertThat(StatusCommand.describe(error, DB))
        .isEqualTo(
            "ERROR: relation \"service_health\" does not exist"
                + " (has the schema been created? `jobwatch migrate` creates it)");
  }
}
