package io.jobwatch.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jobwatch monitors}: every declared monitor; subcommands pause, resume, retire and apply (a
 * monitors file).
 */
@Command(
    name = "monitors",
    mixinStandardHelpOptions = true,
    description = "Every declared monitor with status, last success, deadline and last seen.",
    subcommands = {
      MonitorChangeCommand.Pause.class,
      MonitorChangeCommand.Resume.class,
      MonitorChangeCommand.Retire.class,
      MonitorsApplyCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  jobwatch monitors",
      "  jobwatch monitors pause nightly-backup      stop alerting during maintenance",
      "  jobwatch monitors resume nightly-backup",
      "  jobwatch monitors retire nightly-backup     the script is gone for good",
      "  jobwatch monitors apply monitors.yaml --owner ops-cron [--dry-run]   monitors as code"
    })
public final class MonitorsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print JSON (stable snake_case field names).")
  boolean json;

  @Override
  public Integer call() {
    var settings = JobwatchCommand.root(spec).settings();
    List<MonitorQueries.Monitor> monitors =
        CliOutput.jdbi(settings).withHandle(MonitorQueries::all);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      CliJson.print(out, monitors);
      return 0;
    }
    Instant now = Instant.now();
    Table table = new Table("MONITOR", "TEAM", "STATUS", "LAST SUCCESS", "DEADLINE", "LAST SEEN");
    for (MonitorQueries.Monitor monitor : monitors) {
      table.row(
          monitor.monitor(),
          monitor.team(),
          monitor.status(),
          CliTimes.when(monitor.lastSuccessAt(), now),
          CliTimes.when(monitor.deadline(), now),
          CliTimes.when(monitor.lastSeenAt(), now));
    }
    if (table.isEmpty()) {
      out.println("no monitors declared");
      out.flush();
    } else {
      table.print(out);
    }
    return 0;
  }
}
