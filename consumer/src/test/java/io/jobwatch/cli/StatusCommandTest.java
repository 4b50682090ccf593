package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code status} and {@code status --json} are answered without picocli (issue 11.4); every other
 * command line must still reach the parser. The oracle for what the two plain lines mean is
 * picocli's own parse of them.
 */
class StatusCommandTest {
  // Nothing listens on port 1: the connection is refused at once.
  private static final Map<String, String> UNREACHABLE =
      Map.of("JOBWATCH_DB_URL", "jdbc:postgresql://127.0.0.1:1/jobwatch?password=hunter2");

  private record Printed(Integer code, String out, String err) {}

  private static Printed runIfPlain(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Integer code =
        StatusCommand.runIfPlain(args, UNREACHABLE, new PrintWriter(out), new PrintWriter(err));
    return new Printed(code, out.toString(), err.toString());
  }

  @Test
  void thePlainLinesAreTheOnesPicocliReadsAsStatusWithOrWithoutJson() {
    for (List<String> line : List.of(List.of("status"), List.of("status", "--json"))) {
      CommandLine.ParseResult parsed =
          JobwatchCommand.commandLine(Map.of()).parseArgs(line.toArray(String[]::new));
      CommandLine status = parsed.subcommand().commandSpec().commandLine();
      assertThat(status.getCommand() instanceof StatusCommand).isTrue();
      boolean json = ((StatusCommand) status.getCommand()).json;
      assertThat(json).as(line.toString()).isEqualTo(line.size() == 2);
      assertThat(runIfPlain(line.toArray(String[]::new)).code()).as(line.toString()).isEqualTo(1);
    }
  }

  @Test
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
      assertThat(runIfPlain(line.toArray(String[]::new)).code()).as(line.toString()).isNull();
    }
  }

  @Test
  void anUnreadableDatabaseIsOneLineWithTheUrlRedactedAndExitCodeOne() {
    Printed printed = runIfPlain("status");
    assertThat(printed.code()).isEqualTo(1);
    assertThat(printed.out()).isEmpty();
    assertThat(printed.err().lines())
        .singleElement()
        .asString()
        .startsWith(
            "jobwatch status: cannot read jdbc:postgresql://127.0.0.1:1/jobwatch?password=***: ")
        .contains("refused")
        .doesNotContain("hunter2");
  }

  @Test
  void aUrlOfAnotherDatabaseIsRefusedByName() {
    StringWriter err = new StringWriter();
    int code =
        StatusCommand.show(
            io.jobwatch.config.Settings.database(Map.of("JOBWATCH_DB_URL", "jdbc:mysql://db/x")),
            false,
            new PrintWriter(new StringWriter()),
            new PrintWriter(err));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("not a PostgreSQL JDBC URL");
  }

  @Test
  void helpAndMistakesStillGoThroughTheParser() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int help =
        Main.execute(
            new String[] {"status", "--help"},
            UNREACHABLE,
            new PrintWriter(out, true),
            new PrintWriter(err, true));
    assertThat(help).isZero();
    assertThat(out.toString()).contains("Usage: jobwatch status", "--json");
    int mistake =
        Main.execute(
            new String[] {"status", "--jsn"},
            UNREACHABLE,
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertThat(mistake).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--jsn'");
  }
}
