package io.jobwatch.bench;

import io.jobwatch.cli.JobwatchCommand;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point of {@code jobwatch-bench.jar}: every command of the production jar plus {@code
 * bench}, which the production jar leaves out with the embedded servers and contenders it needs.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) {
    System.exit(commandLine(System.getenv()).execute(args));
  }

  /** The production command line with {@code bench} added, configured from {@code environment}. */
  public static CommandLine commandLine(Map<String, String> environment) {
    return JobwatchCommand.commandLine(environment).addSubcommand(new BenchCommand());
  }
}
