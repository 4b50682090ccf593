package io.jobwatch.cli;

import io.jobwatch.JobwatchException;
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
import java.util.logging.Level;
import java.util.logging.Logger;
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
  private static final String UNDEFINED_TABLE = "42P01";

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print JSON (stable snake_case field names).")
  boolean json;

  @Override
  public Integer call() {
    return run(
        JobwatchCommand.root(spec).environment(),
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
    return isPlain(args) ? run(environment, args.length == 2, out, err) : null;
  }

  /** Whether {@code args} are {@code status} or {@code status --json}. */
  static boolean isPlain(String[] args) {
    return (args.length == 1 || (args.length == 2 && args[1].equals("--json")))
        && args[0].equals("status");
  }

  /** Reads the database settings from {@code environment}, then {@link #show}s the health. */
  private static int run(
      Map<String, String> environment, boolean json, PrintWriter out, PrintWriter err) {
    DbConfig db;
    try {
      db = Settings.database(environment);
    } catch (JobwatchException malformed) {
      err.println("jobwatch status: " + malformed.getMessage());
      err.flush();
      return 1;
    }
    return show(db, json, out, err);
  }

  /**
   * Reads and prints the health, as a table or JSON; a database that cannot be read is one line on
   * {@code err} (URL and password masked) and exit code 1, not a stack trace.
   */
  static int show(DbConfig db, boolean json, PrintWriter out, PrintWriter err) {
    HealthQueries.Status status;
    try {
      status = read(db);
    } catch (SQLException e) {
      err.println("jobwatch status: cannot read " + db.loggableUrl() + ": " + describe(e, db));
      err.flush();
      return 1;
    }
    if (json) {
      CliJson.print(out, status);
    } else {
      // Rendered whole, then written at once: thousands of lines, each flushed, cost more.
      StringWriter text = new StringWriter();
      StatusRenderer.printHealth(new PrintWriter(text), status);
      out.print(text);
      out.flush();
    }
    return 0;
  }

  private static HealthQueries.Status read(DbConfig db) throws SQLException {
    try (Connection connection = connect(db)) {
      return HealthQueries.status(connection, Instant.now());
    }
  }

  /**
   * {@code error} and its causes on one line, the first line of each message, masked by {@code db};
   * with a hint when the schema is missing.
   */
  static String describe(SQLException error, DbConfig db) {
    String text = db.redactText(ErrorLine.of(error));
    if (UNDEFINED_TABLE.equals(error.getSQLState())) {
      text += " (has the schema been created? `jobwatch migrate` creates it)";
    }
    return text;
  }

  /**
   * A plain JDBC connection, no pool: three queries, and Jdbi's start would cost more than they do.
   * The driver is asked directly: {@code DriverManager} would first look through every jar on the
   * class path for other drivers.
   */
  private static Connection connect(DbConfig db) throws SQLException {
    // Its warnings would quote a URL it cannot parse; the error says what failed.
    PgjdbcLog.LOGGER.setLevel(Level.OFF);
    Properties properties = new Properties();
    properties.setProperty("user", db.user());
    properties.setProperty("password", db.password());
    Connection connection = new Driver().connect(db.jdbcUrl(), properties);
    if (connection == null) {
      throw new SQLException("not a PostgreSQL JDBC URL (jdbc:postgresql://…)");
    }
    return connection;
  }

  /**
   * pgjdbc's logger, held strongly ({@code java.util.logging} keeps its loggers weakly, and the
   * level with them). In a holder so that only status's own connection starts {@code
   * java.util.logging}: {@code main} asks this class about every command line, and {@code jobwatch
   * run} must not pay for it (issue 12.5).
   */
  private static final class PgjdbcLog {
    static final Logger LOGGER = Logger.getLogger("org.postgresql");
  }
}
