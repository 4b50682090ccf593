package io.jobwatch.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.JobwatchException;
import io.jobwatch.config.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jobwatch monitors apply FILE.yaml [--owner NAME] [--dry-run]}: monitors as code. Declares
 * every monitor of the file and retires the monitors of the same owner that are gone from it, by
 * publishing ordinary {@code monitor.declared} and {@code monitor.retired} events.
 */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Declare the monitors of a YAML file; retire the owner's monitors it no longer lists.",
      "Compares the file with the declarations in force (the monitor_declarations view), prints",
      "what it creates, updates, retires and leaves unchanged, and publishes monitor.declared and",
      "monitor.retired events for the changes. Every event is validated before any is sent (exit 2",
      "naming the monitor and field if one is invalid). Without --owner nothing is retired."
    },
    footer = {
      "",
      "File:",
      "  monitors:",
      "    - monitor: nightly-backup",
      "      team: data-platform",
      "      schedule: {cron: \"0 2 * * *\", timezone: Europe/Berlin}",
      "      grace: PT30M",
      "      max_runtime: PT2H",
      "",
      "Examples:",
      "  jobwatch monitors apply monitors.yaml --owner ops-cron --dry-run",
      "  jobwatch monitors apply monitors.yaml --owner ops-cron"
    })
final class MonitorsApplyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The monitors file (YAML).")
  Path file;

  @Option(
      names = "--owner",
      paramLabel = "NAME",
      description =
          "Recorded as the owner of every declaration; monitors of this owner missing from the"
              + " file are retired.")
  String owner;

  @Option(names = "--dry-run", description = "Print the changes, publish nothing.")
  boolean dryRun;

  @Option(
      names = "--mode",
      paramLabel = "structured|binary",
      converter = ContentMode.Converter.class,
      description = "CloudEvents Kafka content mode of the events (default structured).")
  ContentMode mode = ContentMode.STRUCTURED;

  @Override
  public Integer call() {
    Settings settings = JobwatchCommand.root(spec).settings();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<String, ObjectNode> desired;
    try {
      desired = MonitorsFile.read(file, owner);
    } catch (MonitorsFile.Unreadable e) {
      err.println("not applied: " + e.getMessage());
      err.flush();
      return Publishing.INVALID;
    }
    Map<String, MonitorPlan.Current> current =
        CliOutput.jdbi(settings).withHandle(MonitorDeclarationQueries::all);
    MonitorPlan plan = MonitorPlan.of(desired, current, owner);
    Instant now = Instant.now();
    List<OutgoingRecord> records = new ArrayList<>();
    for (MonitorPlan.Change change : plan.changes()) {
      ObjectNode data =
          change.action() == MonitorPlan.Action.RETIRE
              ? CliEvents.MAPPER.createObjectNode().put("monitor", change.monitor())
              : change.declaration();
      if (data == null) {
        continue;
      }
      String type =
          change.action() == MonitorPlan.Action.RETIRE ? "monitor.retired" : "monitor.declared";
      try {
        records.add(CliEvents.record(settings, CliEvents.envelope(type, now, data)).in(mode));
      } catch (CliEvents.InvalidEvent e) {
        err.println("not applied: monitor " + change.monitor() + ": " + e.getMessage());
        err.flush();
        return Publishing.INVALID;
      }
    }
    print(plan, out);
    if (dryRun || records.isEmpty()) {
      out.println(dryRun ? "dry run: nothing published" : "nothing to publish");
      out.flush();
      return 0;
    }
    try (EventPublisher publisher = new EventPublisher(settings)) {
      for (OutgoingRecord record : records) {
        publisher.send(record);
      }
    } catch (JobwatchException e) {
      err.println("not completely applied (apply again, it is idempotent): " + e.getMessage());
      err.flush();
      return Publishing.UNDELIVERED;
    }
    out.println("published " + records.size() + " events");
    out.flush();
    return 0;
  }

  private void print(MonitorPlan plan, PrintWriter out) {
    Table table = new Table("ACTION", "MONITOR", "DETAIL");
    for (MonitorPlan.Change change : plan.changes()) {
      table.row(change.action().wireName(), change.monitor(), change.detail());
    }
    if (!table.isEmpty()) {
      table.print(out);
    }
    out.println(
        plan.only(MonitorPlan.Action.CREATE).size()
            + " to create, "
            + plan.only(MonitorPlan.Action.UPDATE).size()
            + " to update, "
            + plan.only(MonitorPlan.Action.RETIRE).size()
            + " to retire, "
            + plan.only(MonitorPlan.Action.UNCHANGED).size()
            + " unchanged"
            + (owner == null ? " (no --owner: nothing is retired)" : ""));
    out.flush();
  }
}
