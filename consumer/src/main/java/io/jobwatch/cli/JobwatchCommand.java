package io.jobwatch.cli;

import io.jobwatch.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code jobwatch} command; each capability is a subcommand. */
@Command(
    name = "jobwatch",
    mixinStandardHelpOptions = true,
    version = "jobwatch 0.1.0",
    description = {
      "Folds job lifecycle and stage error events from Kafka into PostgreSQL and Prometheus metrics.",
      "Configuration comes from JOBWATCH_* environment variables (see README)."
    },
    subcommands = {
      ConsumeCommand.class,
      MigrateCommand.class,
      HealthcheckCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  jobwatch consume                 run the consumer (JOBWATCH_KAFKA_BOOTSTRAP, JOBWATCH_DB_URL…)",
      "  jobwatch migrate                 create or upgrade the schema, then exit",
      "  jobwatch bench --events 100000   measure throughput and delay against the alternatives",
    })
public final class JobwatchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The command line with every subcommand, ready to {@code execute(args)}. */
  public static CommandLine commandLine() {
    return new CommandLine(new JobwatchCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
