package io.jobwatch.cli;

import static io.jobwatch.cli.CliTimes.when;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;

/** Renders health and recent jobs as text tables (status command and demo). Stateless. */
final class StatusRenderer {
  private StatusRenderer() {}

  static void printHealth(PrintWriter out, HealthQueries.Status status) {
    Instant now = status.generatedAt();
    if (status.stages().isEmpty()) {
      out.println("no stage health recorded yet");
      out.flush();
      return;
    }
    printServices(out, status);
    out.println();
    Table runners = new Table("SERVICE", "RUNNER", "HEALTH", "WORST STAGE", "SINCE");
    for (HealthQueries.RunnerHealth runner : status.runners()) {
      runners.row(
          runner.service(),
          runner.runner(),
          runner.severity(),
          runner.worstStage(),
          when(runner.since(), now));
    }
    runners.print(out);
    out.println();
    Table stages =
        new Table("SERVICE", "RUNNER", "STAGE", "HEALTH", "SINCE", "ERRORS", "LAST ERROR", "AT");
    for (HealthQueries.StageHealth stage : status.stages()) {
      stages.row(
          stage.service(),
          stage.runner(),
          stage.stage(),
          stage.severity(),
          when(stage.since(), now),
          stage.consecutiveErrors() + "/" + stage.errorCount(),
          lastError(stage.lastErrorClass(), stage.lastErrorMessage()),
          stage.lastErrorAt() == null ? null : CliTimes.relative(stage.lastErrorAt(), now));
    }
    stages.print(out);
  }

  static void printServices(PrintWriter out, HealthQueries.Status status) {
    Instant now = status.generatedAt();
    Table services = new Table("SERVICE", "HEALTH", "WORST STAGE", "SINCE", "LAST ERROR");
    for (HealthQueries.ServiceHealth service : status.services()) {
      services.row(
          service.service(),
          service.severity(),
          service.worstRunner() + "/" + service.worstStage(),
          when(service.since(), now),
          lastError(service.lastErrorClass(), service.lastErrorMessage()));
    }
    services.print(out);
  }

  static void printRecentJobs(PrintWriter out, List<JobQueries.Job> jobs, Instant now) {
    Table table =
        new Table(
            "JOB", "SERVICE", "RUNNER", "STATE", "ATTEMPT", "EXIT", "CRASH", "RUNTIME", "UPDATED");
    for (JobQueries.Job job : jobs) {
      table.row(
          job.jobId(),
          job.service(),
          job.runner(),
          job.state(),
          job.attempt(),
          job.exitCode(),
          job.blame() == null ? null : job.blame() + "/" + job.cause(),
          job.runtimeError() != null ? "error: " + job.runtimeError() : job.runtimeWarning(),
          CliTimes.relative(job.updatedAt(), now));
    }
    table.print(out);
  }

  private static String lastError(String errorClass, String message) {
    if (errorClass == null && message == null) {
      return null;
    }
    return (errorClass == null ? "" : errorClass + ": ") + (message == null ? "" : message);
  }
}
