package io.jobwatch.cli;

import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jobwatch status}: service, runner and stage health, worst first. */
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
    var settings = JobwatchCommand.root(spec).settings();
    HealthQueries.Status status =
        CliOutput.jdbi(settings).withHandle(handle -> HealthQueries.status(handle, Instant.now()));
    if (json) {
      CliOutput.printJson(spec.commandLine().getOut(), status);
    } else {
      StatusRenderer.printHealth(spec.commandLine().getOut(), status);
    }
    return 0;
  }
}
