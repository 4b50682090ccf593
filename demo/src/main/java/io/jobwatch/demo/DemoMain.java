package io.jobwatch.demo;

import io.jobwatch.cli.DemoCommand;
import io.jobwatch.cli.JobwatchCommand;
import io.jobwatch.cli.PublishDemoCommand;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point of {@code jobwatch-demo.jar}: every command of the production jar plus {@code demo}
 * and {@code publish-demo}, which the production jar leaves out with the embedded servers they
 * need.
 */
public final class DemoMain {
  private DemoMain() {}

  public static void main(String[] args) {
    System.exit(commandLine(System.getenv()).execute(args));
  }

  /** The production command line with the demo's commands added, configured from {@code env}. */
  public static CommandLine commandLine(Map<String, String> environment) {
    return JobwatchCommand.commandLine(environment)
        .addSubcommand(new DemoCommand())
        .addSubcommand(new PublishDemoCommand());
  }
}
