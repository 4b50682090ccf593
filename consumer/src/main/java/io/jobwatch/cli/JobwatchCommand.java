package io.jobwatch.cli;

import io.jobwatch.JobwatchException;
import io.jobwatch.config.Settings;
import io.jobwatch.store.DbConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The top-level {@code jobwatch} command; each capability is a subcommand. It holds the environment
 * the subcommands read their {@link Settings} from, so tests can pass a map instead of the process
 * environment. The demo and bench jars add their commands to {@link #commandLine()} in their own
 * Main. Not thread-safe: one instance per command line.
 */
@Command(
    name = "jobwatch",
    mixinStandardHelpOptions = true,
    version = "jobwatch 0.1.0",
    description = {
      "Folds job lifecycle and stage error events from Kafka into PostgreSQL and Prometheus metrics.",
      "Configuration comes from JOBWATCH_* environment variables (see README).",
      "Commands that read use the database; commands that write publish to Kafka."
    },
    footer = {
      "",
      "Examples:",
      "  jobwatch consume               run the consumer",
      "  jobwatch migrate               create or upgrade the schema, then exit",
      "  jobwatch status                health, worst first",
      "  jobwatch status --json         the same for scripts",
      "  jobwatch job 0b6f4c1e-…        one job with its history",
      "  jobwatch monitors              declared monitors",
      "  jobwatch monitors pause nightly-backup",
      "  jobwatch dead-letters list     rejected records",
      "  jobwatch dead-letters replay 17",
      "  jobwatch emit job.started --job-id X --runner slurm --attempt 1",
      "  jobwatch run --monitor nightly-backup -- /usr/local/bin/backup.sh",
      "  jobwatch spool flush           send what was spooled",
      "",
      "Configuration: JOBWATCH_KAFKA_BOOTSTRAP, JOBWATCH_DB_URL, JOBWATCH_DB_USER,",
      "JOBWATCH_DB_PASSWORD, JOBWATCH_LIFECYCLE_TOPIC, JOBWATCH_ERRORS_TOPIC,",
      "JOBWATCH_SPOOL_DIR, JOBWATCH_KAFKA_<PROPERTY> (TLS, SASL).",
    })
public final class JobwatchCommand implements Runnable {
  /**
   * The subcommands, in the order {@code --help} lists them. They are added in code rather than in
   * the annotation so that a command line naming one of them builds only that one's model (picocli
   * reflects over every annotated class it is given; building all eleven costs a read command about
   * 0.1 s of its start, see docs/performance.md, "`jobwatch status` start").
   */
  private static final List<Class<?>> SUBCOMMANDS =
      List.of(
          ConsumeCommand.class,
          MigrateCommand.class,
          HealthcheckCommand.class,
          StatusCommand.class,
          JobCommand.class,
          MonitorsCommand.class,
          DeadLettersCommand.class,
          EmitCommand.class,
          RunCommand.class,
          SpoolCommand.class,
          RetentionCommand.class,
          CommandLine.HelpCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Map<String, String> environment;

  private JobwatchCommand(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** The command line with every subcommand, configured from the process environment. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** The command line with every subcommand, configured from {@code environment} (tests). */
  public static CommandLine commandLine(Map<String, String> environment) {
    return commandLine(environment, SUBCOMMANDS);
  }

  /**
   * The command line for {@code args}: when the first word names a subcommand, only that one is
   * built (what it parses, prints and runs is the same as with all of them); otherwise, for help, a
   * mistyped name or no command, every subcommand. Configured from {@code environment}.
   */
  public static CommandLine commandLineFor(String[] args, Map<String, String> environment) {
    return commandLine(environment, named(args.length == 0 ? null : args[0]));
  }

  private static CommandLine commandLine(
      Map<String, String> environment, List<Class<?>> subcommands) {
    CommandLine commandLine = new CommandLine(new JobwatchCommand(environment));
    for (Class<?> subcommand : subcommands) {
      commandLine.addSubcommand(subcommand);
    }
    // After the subcommands: picocli applies parser settings to the subcommands it already has.
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    // Arguments are taken as typed: picocli would otherwise replace an argument @FILE by the
    // contents of FILE, even after "--", where `run` hands the words to the command it runs.
    commandLine.setExpandAtFiles(false);
    commandLine.setExecutionExceptionHandler(
        (error, failed, parsed) -> {
          // A JobwatchException says what failed (a setting, the database, the broker), and so
          // does a database that did not answer or refused a query: one line. Anything else is a
          // defect: its stack trace, secrets masked.
          SQLException database = sqlCause(error);
          failed
              .getErr()
              .print(
                  error instanceof JobwatchException
                      ? redactedMessage(error, environment)
                      : database != null
                          ? redacted(
                              "jobwatch: the database failed: "
                                  + ErrorLine.of(database)
                                  + System.lineSeparator(),
                              environment)
                          : redactedStackTrace(error, environment));
          failed.getErr().flush();
          return failed.getCommandSpec().exitCodeOnExecutionException();
        });
    CommandLine emit = commandLine.getSubcommands().get("emit");
    if (emit != null) {
      // emit takes free-form --field value pairs; they become its positional words.
      emit.setUnmatchedOptionsArePositionalParams(true);
    }
    CommandLine run = commandLine.getSubcommands().get("run");
    if (run != null) {
      // As for timeout, nice or env: run's options end at the command, so the command's own
      // options (backup.sh --full, even a --service of its own) are its arguments without "--".
      run.setStopAtPositional(true);
    }
    return commandLine;
  }

  /**
   * The subcommand whose name or alias is {@code word}, alone; or all of them (also for {@code
   * help}, which needs the others to describe them).
   */
  static List<Class<?>> named(String word) {
    if (word != null) {
      for (Class<?> subcommand : SUBCOMMANDS) {
        if (subcommand == CommandLine.HelpCommand.class) {
          continue;
        }
        Command command = subcommand.getAnnotation(Command.class);
        if (word.equals(command.name()) || Arrays.asList(command.aliases()).contains(word)) {
          return List.of(subcommand);
        }
      }
    }
    return SUBCOMMANDS;
  }

  /** The first {@link SQLException} in {@code error}'s cause chain, or null. */
  private static SQLException sqlCause(Throwable error) {
    Throwable link = error;
    for (int depth = 0; link != null && depth < 16; depth++, link = link.getCause()) {
      if (link instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  /** "jobwatch: " and the error with its causes on one line ({@link ErrorLine}), secrets masked. */
  static String redactedMessage(Throwable error, Map<String, String> environment) {
    return redacted("jobwatch: " + ErrorLine.of(error) + System.lineSeparator(), environment);
  }

  /**
   * {@code error}'s stack trace as picocli would print it, with the database URL's and password's
   * secrets masked: pgjdbc quotes a URL it cannot parse, or a part of it, password and all.
   */
  static String redactedStackTrace(Throwable error, Map<String, String> environment) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    return redacted(trace.toString(), environment);
  }

  /** {@code text} with the database URL's and password's secrets masked. */
  static String redacted(String text, Map<String, String> environment) {
    try {
      return Settings.database(environment).redactText(text);
    } catch (JobwatchException malformedPoolSize) {
      DbConfig secrets =
          new DbConfig(
              environment.get("JOBWATCH_DB_URL"), null, environment.get("JOBWATCH_DB_PASSWORD"), 0);
      return secrets.redactText(text);
    }
  }

  /** The root command of the command line that {@code spec} belongs to. */
  static JobwatchCommand root(CommandLine.Model.CommandSpec spec) {
    return (JobwatchCommand) spec.root().userObject();
  }

  /** The environment the command line was built with. */
  Map<String, String> environment() {
    return environment;
  }

  /** The settings from the command line's environment. */
  Settings settings() {
    return Settings.fromEnvironment(environment);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
