package io.jobwatch.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.config.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jobwatch run --monitor NAME -- COMMAND ARGS…}: runs a command as cron would and reports it
 * as one job of the monitor. The command's exit code always passes through; when Kafka is away the
 * events are spooled and sent by the next run, emit or {@code spool flush}.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a command as a monitored job, as cron would.",
      "Runs COMMAND with stdin, stdout and stderr unchanged; publishes job.submitted and job.started",
      "(with the monitor) before and job.finished with the exit code after, then exit with the",
      "command's exit code. Undeliverable events go to $JOBWATCH_SPOOL_DIR (default",
      "~/.jobwatch/spool) and are sent first by the next run or emit. A command that cannot be",
      "started exits 127 (not found) or 126 (not executable), like a shell."
    },
    footer = {
      "",
      "Examples:",
      "  jobwatch run --monitor nightly-backup -- /usr/local/bin/backup.sh --full",
      "  jobwatch run --mode binary --monitor nightly-backup -- /usr/local/bin/backup.sh",
      "  crontab: 0 2 * * * jobwatch run --monitor nightly-backup -- /usr/local/bin/backup.sh"
    })
public final class RunCommand implements Callable<Integer> {
  static final String DEFAULT_SERVICE = "cron";
  static final String DEFAULT_RUNNER = "cron";

  @Spec CommandSpec spec;

  @Option(names = "--monitor", required = true, description = "The monitored script's name.")
  String monitor;

  @Option(names = "--service", description = "Service label of the job (default ${DEFAULT-VALUE}).")
  String service = DEFAULT_SERVICE;

  @Option(names = "--runner", description = "Runner label of the job (default ${DEFAULT-VALUE}).")
  String runner = DEFAULT_RUNNER;

  @Option(
      names = "--mode",
      paramLabel = "structured|binary",
      converter = ContentMode.Converter.class,
      description = "CloudEvents Kafka content mode of the events (default structured).")
  ContentMode mode = ContentMode.STRUCTURED;

  @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command and arguments.")
  List<String> command;

  @Override
  public Integer call() {
    JobwatchCommand root = JobwatchCommand.root(spec);
    Settings settings = root.settings();
    PrintWriter err = spec.commandLine().getErr();
    Spool spool = Spool.fromEnvironment(root.environment());
    String jobId = UUID.randomUUID().toString();
    try (EventPublisher publisher = new EventPublisher(settings)) {
      Publishing.flushSpool(publisher, spool, err);
      Instant startedAt = Instant.now();
      report(publisher, spool, settings, before(jobId, startedAt), mode, err);
      int exitCode = execute(err);
      report(publisher, spool, settings, after(jobId, Instant.now(), exitCode), mode, err);
      return exitCode;
    }
  }

  private List<ObjectNode> before(String jobId, Instant at) {
    ObjectNode submitted =
        CliEvents.MAPPER
            .createObjectNode()
            .put("job_id", jobId)
            .put("service", service)
            .put("runner", runner)
            .put("monitor", monitor);
    ObjectNode started =
        CliEvents.MAPPER
            .createObjectNode()
            .put("job_id", jobId)
            .put("service", service)
            .put("runner", runner)
            .put("attempt", 1)
            .put("host", CliEvents.hostName())
            .put("monitor", monitor);
    return List.of(
        CliEvents.envelope("job.submitted", at, submitted),
        CliEvents.envelope("job.started", at, started));
  }

  private static List<ObjectNode> after(String jobId, Instant at, int exitCode) {
    ObjectNode finished =
        CliEvents.MAPPER
            .createObjectNode()
            .put("job_id", jobId)
            .put("attempt", 1)
            .put("exit_code", exitCode);
    return List.of(CliEvents.envelope("job.finished", at, finished));
  }

  /** Publishes or spools; a problem is reported on stderr but never changes the exit code. */
  private static void report(
      EventPublisher publisher,
      Spool spool,
      Settings settings,
      List<ObjectNode> envelopes,
      ContentMode mode,
      PrintWriter err) {
    List<OutgoingRecord> records = new ArrayList<>();
    for (ObjectNode envelope : envelopes) {
      try {
        records.add(CliEvents.record(settings, envelope).in(mode));
      } catch (CliEvents.InvalidEvent e) {
        err.println(
            "jobwatch run: not reporting invalid "
                + envelope.path("type").asText()
                + ": "
                + e.getMessage());
      }
    }
    EventPublisher.Outcome outcome = publisher.sendOrSpool(records, spool);
    if (outcome.spooled() > 0) {
      err.println(
          "jobwatch run: "
              + outcome.problem()
              + "; spooled "
              + outcome.spooled()
              + " events to "
              + spool.file());
    }
    err.flush();
  }

  private int execute(PrintWriter err) {
    try {
      Process process = new ProcessBuilder(command).inheritIO().start();
      return process.waitFor();
    } catch (IOException e) {
      err.println("jobwatch run: cannot run " + command.get(0) + ": " + e.getMessage());
      err.flush();
      boolean denied = String.valueOf(e.getMessage()).contains("error=13");
      return denied ? 126 : 127;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }
}
