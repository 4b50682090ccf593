package io.jobwatch.cli;

import io.jobwatch.store.Retention;
import io.jobwatch.store.RetentionReport;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jobwatch retention}: one retention pass now, or with --dry-run what it would remove. */
@Command(
    name = "retention",
    mixinStandardHelpOptions = true,
    description = {
      "Run one retention pass (JOBWATCH_RETAIN_*) now.",
      "It drops expired job_events partitions and prunes terminal jobs, dead letters and",
      "tombstones. Consumers run it every",
      "JOBWATCH_RETENTION_INTERVAL; one instance at a time (advisory lock)."
    },
    footer = {"", "Examples:", "  jobwatch retention --dry-run", "  jobwatch retention"})
public final class RetentionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dry-run", description = "Show what would go (partitions, rows per table).")
  boolean dryRun;

  @Override
  public Integer call() {
    var settings = JobwatchCommand.root(spec).settings();
    RetentionReport report =
        Retention.run(CliOutput.jdbi(settings), settings.retention(), Instant.now(), dryRun);
    PrintWriter out = spec.commandLine().getOut();
    if (!report.ran()) {
      out.println("another jobwatch instance is running retention now; nothing done");
      out.flush();
      return 1;
    }
    out.println(
        (dryRun ? "would drop " : "dropped ")
            + report.partitions().size()
            + " job_events partitions"
            + (report.partitions().isEmpty() ? "" : ": " + report.partitions()));
    Table table = new Table("table", dryRun ? "rows that would go" : "rows removed");
    report.rows().forEach(table::row);
    table.print(out);
    out.println(
        (dryRun
                ? "events of open jobs that would be kept (moved forward): "
                : "events of open jobs kept: ")
            + report.eventsCarried());
    if (!dryRun) {
      out.println("terminal jobs sealed with a tombstone: " + report.jobsSealed());
      out.println("partitions created ahead: " + report.partitionsCreated());
    }
    out.flush();
    return 0;
  }
}
