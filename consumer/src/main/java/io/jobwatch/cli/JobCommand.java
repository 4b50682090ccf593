package io.jobwatch.cli;

import static io.jobwatch.cli.CliTimes.when;

import io.jobwatch.core.job.JobState;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jobwatch job ID}: one job's state, crash, runtime status, waits and history. */
@Command(
    name = "job",
    mixinStandardHelpOptions = true,
    description = {
      "One job: state, crash, runtime status, waits and history.",
      "Shows attempt, exit code, crash classification (blame, cause, details, fatal), runtime",
      "status, what it waits on and its event history; of a job retention pruned, its",
      "tombstone (final state, attempt, when it finished and was pruned). Exit code 1 when the",
      "job is unknown."
    },
    footer = {"", "Examples:", "  jobwatch job 0b6f4c1e-8d2a-4f7b-b1c3-5e9a7d2f4c10 --json"})
public final class JobCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "ID", description = "The job_id.")
  String jobId;

  @Option(names = "--json", description = "Print JSON (stable snake_case field names).")
  boolean json;

  @Override
  public Integer call() {
    var settings = JobwatchCommand.root(spec).settings();
    var jdbi = CliOutput.jdbi(settings);
    Optional<JobQueries.JobReport> report =
        jdbi.withHandle(handle -> JobQueries.report(handle, jobId));
    PrintWriter out = spec.commandLine().getOut();
    if (report.isEmpty()) {
      // Retention removed the row of a terminal job and left a tombstone: the job is known.
      Optional<JobQueries.Pruned> pruned =
          jdbi.withHandle(handle -> JobQueries.pruned(handle, jobId));
      if (pruned.isEmpty()) {
        spec.commandLine().getErr().println("no job " + jobId);
        return 1;
      }
      if (json) {
        CliJson.print(out, Map.of("pruned", pruned.get()));
      } else {
        print(out, pruned.get(), Instant.now());
      }
      return 0;
    }
    if (json) {
      CliJson.print(out, report.get());
    } else {
      print(out, report.get(), Instant.now());
    }
    return 0;
  }

  private static void print(PrintWriter out, JobQueries.Pruned pruned, Instant now) {
    out.println("job       " + pruned.jobId());
    out.println(
        "pruned by retention: only its tombstone (written "
            + when(pruned.prunedAt(), now)
            + ") is left, no row, dependencies or history");
    out.println("state     " + pruned.state() + "  attempt " + pruned.attempt());
    out.println("times     finished " + when(pruned.finishedAt(), now));
    out.flush();
  }

  private static void print(PrintWriter out, JobQueries.JobReport report, Instant now) {
    JobQueries.Job job = report.job();
    out.println("job       " + job.jobId());
    out.println(
        "service   "
            + dash(job.service())
            + "  runner "
            + dash(job.runner())
            + "  monitor "
            + dash(job.monitor())
            + "  host "
            + dash(job.host()));
    out.println(
        "state     "
            + job.state()
            + "  attempt "
            + job.attempt()
            + "  exit code "
            + (job.exitCode() == null ? "-" : job.exitCode())
            + (job.waitingReason() == null ? "" : "  waiting for " + job.waitingReason()));
    if (job.blame() != null) {
      out.println(
          "crash     blame "
              + job.blame()
              + "  cause "
              + dash(job.cause())
              + "  fatal "
              + (job.fatal() ? "yes (do not reschedule)" : "no")
              + (job.details() == null ? "" : "  details: " + TerminalText.of(job.details())));
    }
    // The column already reads "first error (n additional errors)".
    // Free text a publisher sent: shown with its control characters escaped.
    out.println("runtime   error: " + dash(TerminalText.of(job.runtimeError())));
    out.println("          warning: " + dash(TerminalText.of(job.runtimeWarning())));
    out.println("          activity: " + dash(TerminalText.of(job.runtimeActivity())));
    out.println("          reusable: " + (job.reusable() ? "yes" : "no"));
    out.println(
        "times     submitted "
            + when(job.submittedAt(), now)
            + "  started "
            + when(job.startedAt(), now)
            + "  finished "
            + when(job.finishedAt(), now));
    if (!report.waitsOn().isEmpty()) {
      // A job that has started or ended waits on nothing: its edges are what it depended on.
      boolean pending = JobState.fromWireName(job.state()).isPending();
      out.println(pending ? "waits on" : "depended on");
      for (JobQueries.Wait wait : report.waitsOn()) {
        out.println(
            "  "
                + wait.dependsOn()
                + " (needs "
                + String.join(" or ", wait.accept())
                + ", it is "
                + (wait.dependencyState() == null ? "unknown" : wait.dependencyState())
                + "): "
                + wait.status());
      }
    }
    out.println();
    out.println("history");
    if (report.historyPrunedAt() != null) {
      // A sealed job: whole day partitions of its events are gone (JOBWATCH_RETAIN_EVENTS); which
      // of its events went depends on the day each was stored, not on one cut-off time.
      out.println(
          "(some of its events were removed by retention, sealed "
              + when(report.historyPrunedAt(), now)
              + ": the history below is incomplete)");
    }
    Table history = new Table("TIME", "TYPE", "OUTCOME", "ATTEMPT", "SOURCE");
    for (JobQueries.HistoryEntry entry : report.history()) {
      history.row(entry.time(), entry.type(), entry.outcome(), entry.attempt(), entry.source());
    }
    history.print(out);
  }

  private static String dash(String value) {
    return value == null ? "-" : value;
  }
}
