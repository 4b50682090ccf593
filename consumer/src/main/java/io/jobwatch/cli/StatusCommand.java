package io.jobwatch.cli;

import io.jobwatch.config.Settings;
import io.jobwatch.store.DbConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.postgresql.Driver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jobwatch status}: service, runner and stage health, worst first. Its plain command lines
 * ({@code status}, {@code status --json}) are answered by {@link #runIfPlain} straight from {@code
 * main}, without the command line parser (issue 11.4); this class parses the rest (help, mistyped
 * options) the ordinary way. Both print through {@link #show}.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Service, runner and stage health, worst first, with since-when and last error.",
    footer = {"", "Examples:", "  jobwatch status", "  jobwatch status --json | jq '.services[0]'"})
public final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print JSON (stable snake_case field names).")
  boolean json;

  @Override
  public Integer call() {
    return show(
        Settings.database(JobwatchCommand.root(spec).environment()),
        json,
        spec.commandLine().getOut(),
        spec.commandLine().getErr());
  }

  /**
   * The exit code of {@code jobwatch ARGS} if they are a plain status command line ({@code status}
   * or {@code status --json}), having printed its answer; null for any other command line, which
   * picocli then parses.
   */
  public static Integer runIfPlain(
      String[] args, Map<String, String> environment, PrintWriter out, PrintWriter err) {
    boolean plain = args.length == 1 || (args.length == 2 && args[1].equals("--json"));
    if (!plain || !args[0].equals("status")) {
      return null;
    }
    return show(Settings.database(environment), args.length == 2, out, err);
  }

  /**
   * Reads and prints the health, as a table or JSON; a database that cannot be read is one line on
   * {@code err} (its URL redacted) and exit code 1, not a stack trace.
   */
  static int show(DbConfig db, boolean json, PrintWriter out, PrintWriter err) {
    HealthQueries.Status status;
    try (Connection connection = connect(db)) {
      status = HealthQueries.status(connection, Instant.now());
    } catch (SQLException e) {
      err.println("jobwatch status: cannot read " + db.loggableUrl() + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    if (json) {
      CliOutput.printJson(out, status);
    } else {
      // Rendered whole, then written at once: thousands of lines, each flushed, cost more.
      StringWriter text = new StringWriter();
      StatusRenderer.printHealth(new PrintWriter(text), status);
      out.print(text);
      out.flush();
    }
    return 0;
  }

  /**
   * A plain JDBC connection, no pool: three queries, and Jdbi's start would cost more than they do.
   * The driver is asked directly: {@code DriverManager} would first look through every jar on the
   * class path for other drivers.
   */
  private static Connection connect(DbConfig db) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", db.user());
    properties.setProperty("password", db.password());
    Connection connection = new Driver().connect(db.jdbcUrl(), properties);
    if (connection == null) {
      throw new SQLException("not a PostgreSQL JDBC URL (jdbc:postgresql://…)");
    }
    return connection;
  }
}
