package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code jobwatch status} against databases it cannot read: one line on stderr, exit code 1, never
 * the password (pgjdbc quotes a URL it cannot parse whole). Nothing listens on port 1, so the
 * connection is refused at once; the broken URLs fail before any connection.
 */
class StatusCommandIT {
  private record Printed(Integer code, String out, String err) {}

  private static Printed status(Map<String, String> environment) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Integer code =
        StatusCommand.runIfPlain(
            new String[] {"status"}, environment, new PrintWriter(out), new PrintWriter(err));
    return new Printed(code, out.toString(), err.toString());
  }

  private static void assertOneMaskedLine(Printed printed, String prefix) {
    assertThat(printed.code()).isEqualTo(1);
    assertThat(printed.out()).isEmpty();
    assertThat(printed.err().lines())
        .singleElement()
        .asString()
        .startsWith(prefix)
        .doesNotContain("hunter2");
  }

  static Stream<Arguments> unreadableDatabases() {
    return Stream.of(
        Arguments.of(
            "a refused connection, the password in the URL's query",
            Map.of("JOBWATCH_DB_URL", "jdbc:postgresql://127.0.0.1:1/jobwatch?password=hunter2"),
            "jobwatch status: cannot read jdbc:postgresql://127.0.0.1:1/jobwatch?password=***: "),
        Arguments.of(
            "the password in the URL's user info, which pgjdbc cannot parse",
            Map.of("JOBWATCH_DB_URL", "jdbc:postgresql://jobwatch:hunter2@127.0.0.1:1/jobwatch"),
            "jobwatch status: cannot read jdbc:postgresql://jobwatch:***@"),
        Arguments.of(
            "a password in the URL that is not URL-encoded",
            Map.of("JOBWATCH_DB_URL", "jdbc:postgresql://127.0.0.1:1/jobwatch?password=hunter2%zz"),
            "jobwatch status: cannot read jdbc:postgresql://127.0.0.1:1/"),
        Arguments.of(
            "the password setting, wherever a message repeats it",
            Map.of(
                "JOBWATCH_DB_URL",
                "jdbc:postgresql://127.0.0.1:1/jobwatch",
                "JOBWATCH_DB_PASSWORD",
                "hunter2"),
            "jobwatch status: cannot read jdbc:postgresql://127.0.0.1:1/"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadableDatabases")
  @DisplayName("A database that cannot be read is one line with its password masked")
  void unreadableDatabase(String name, Map<String, String> environment, String prefix) {
    assertOneMaskedLine(status(environment), prefix);
  }

  @Test
  @DisplayName("Another database's URL is refused by name")
  void otherDatabase() {
    Printed printed = status(Map.of("JOBWATCH_DB_URL", "jdbc:mysql://db/jobwatch"));
    assertOneMaskedLine(printed, "jobwatch status: cannot read jdbc:mysql://db/jobwatch: ");
    assertThat(printed.err()).contains("not a PostgreSQL JDBC URL");
  }

  @Test
  @DisplayName("A malformed setting is one line, not a stack trace")
  void malformedSetting() {
    Printed printed = status(Map.of("JOBWATCH_DB_POOL_SIZE", "four"));
    assertOneMaskedLine(printed, "jobwatch status: JOBWATCH_DB_POOL_SIZE must be a whole number");
  }
}
