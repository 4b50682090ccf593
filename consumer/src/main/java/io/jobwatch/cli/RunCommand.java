package io.jobwatch.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.JobwatchException;
import io.jobwatch.config.Settings;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import picocli.CommandLine;
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
      "Starts COMMAND at once with stdin, stdout and stderr unchanged; publishes job.submitted and",
      "job.started (with the monitor) while it runs and job.finished with the exit code after, then",
      "exits with the command's exit code. Events Kafka has not acknowledged 3 s after the command",
      "ended go to $JOBWATCH_SPOOL_DIR (default ~/.jobwatch/spool) and are sent first by the next",
      "run or emit. A command that cannot be started exits 127 (not found) or 126 (not",
      "executable), like a shell."
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

  /** What a {@code run} command line says, parsed by picocli or by {@link EarlyRun#plain}. */
  record Options(
      String monitor, String service, String runner, ContentMode mode, List<String> command) {}

  @Override
  public Integer call() {
    JobwatchCommand root = JobwatchCommand.root(spec);
    return run(
        new Options(monitor, service, runner, mode, command),
        root.environment(),
        spec.commandLine().getErr());
  }

  /**
   * Issue 12.5: the exit code of {@code jobwatch ARGS} if they are a plain run command line whose
   * command {@code main} has already started ({@link EarlyRun}), run without the command line
   * parser, which would cost a cron job tens of milliseconds more; null for any other command line
   * (picocli then parses it). A failure prints its stack trace masked, as picocli's handler does.
   */
  public static Integer runIfStartedEarly(
      String[] args, Map<String, String> environment, PrintWriter err) {
    Options options = EarlyRun.plain(args);
    if (options == null || !EarlyRun.startedFor(options.command())) {
      return null;
    }
    try {
      return run(options, environment, err);
    } catch (RuntimeException e) {
      err.print(JobwatchCommand.redactedStackTrace(e, environment));
      err.flush();
      return CommandLine.ExitCode.SOFTWARE;
    }
  }

  private static int run(Options options, Map<String, String> environment, PrintWriter err) {
    try {
      return report(options, environment, err);
    } finally {
      RunSignals.restore();
    }
  }

  private static int report(Options options, Map<String, String> environment, PrintWriter err) {
    EarlyRun.Taken early = EarlyRun.take(options.command());
    Instant startedAt = early != null ? early.at() : Instant.now();
    Started started = early != null ? early.started() : Started.of(options.command());
    EventPublisher connected = EarlyRun.takePublisher(environment);
    Settings settings;
    try {
      settings = Settings.fromEnvironment(environment);
    } catch (JobwatchException malformed) {
      // The command's exit code passes through whatever jobwatch's own settings say.
      if (connected != null) {
        connected.close();
      }
      err.println(
          "jobwatch run: not reporting: "
              + JobwatchCommand.redacted(malformed.getMessage(), environment));
      err.flush();
      return started.await(err);
    }
    Spool spool = Spool.fromEnvironment(environment);
    String jobId = UUID.randomUUID().toString();
    List<String> invalid = Collections.synchronizedList(new ArrayList<>());
    Set<String> rejected = ConcurrentHashMap.newKeySet(); // types of the events left out
    try (EventPublisher publisher =
        connected != null ? connected : EventPublisher.forRun(settings)) {
      RunReporter reporter = new RunReporter(publisher, spool);
      reporter.flushSpoolFirst();
      reporter.publish(
          () ->
              records(
                  settings, before(options, jobId, startedAt), options.mode(), invalid, rejected));
      int exitCode = started.await(err);
      Instant endedAt = started.endedAt();
      reporter.publish(
          () -> {
            // Built after the before-events (same sender, or finish in order): without a valid
            // job.submitted the job has no service and no monitor, so job.finished alone would
            // only make an orphan job of service unknown at every run.
            if (rejected.contains("job.submitted")) {
              invalid.add("jobwatch run: not reporting job.finished of a job not submitted");
              return List.of();
            }
            return records(
                settings, after(jobId, endedAt, exitCode), options.mode(), invalid, rejected);
          });
      List<String> messages = reporter.finish(RunReporter.GRACE);
      invalid.forEach(err::println);
      messages.forEach(err::println);
      err.flush();
      return exitCode;
    }
  }

  /**
   * The started process with when it ended, or the exit code a shell gives for a command it cannot
   * start.
   */
  record Started(
      Process process, CompletableFuture<Instant> ended, int failedCode, String failure) {
    /**
     * Starts {@code command} with this process's standard streams, forwards SIGTERM to it from the
     * start on ({@link RunSignals}) and notes when it ends.
     */
    static Started of(List<String> command) {
      RunSignals.install();
      Process process;
      try {
        process = new ProcessBuilder(RawArguments.startable(command)).inheritIO().start();
      } catch (IOException e) {
        boolean denied = String.valueOf(e.getMessage()).contains("error=13");
        return new Started(
            null,
            null,
            denied ? 126 : 127,
            "jobwatch run: cannot run " + command.get(0) + ": " + e.getMessage());
      }
      RunSignals.forwardTo(process);
      // Completed by the JDK's process reaper as the command exits, so job.finished has the time
      // the command ended, not the time jobwatch got round to waiting for it.
      return new Started(process, process.onExit().thenApply(new Now()), 0, null);
    }

    int await(PrintWriter err) {
      if (process == null) {
        err.println(failure);
        err.flush();
        return failedCode;
      }
      try {
        return process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 130;
      }
    }

    /** When the command ended (after {@link #await}); now if it never started. */
    Instant endedAt() {
      if (ended == null) {
        return Instant.now();
      }
      try {
        return ended.get(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Instant.now();
      } catch (ExecutionException | TimeoutException e) {
        return Instant.now();
      }
    }
  }

  /** The time a process ended, taken as it ends. */
  private static final class Now implements Function<Process, Instant> {
    @Override
    public Instant apply(Process ended) {
      return Instant.now();
    }
  }

  private static List<ObjectNode> before(Options options, String jobId, Instant at) {
    ObjectNode submitted =
        CliEvents.MAPPER
            .createObjectNode()
            .put("job_id", jobId)
            .put("service", options.service())
            .put("runner", options.runner())
            .put("monitor", options.monitor());
    ObjectNode started =
        CliEvents.MAPPER
            .createObjectNode()
            .put("job_id", jobId)
            .put("service", options.service())
            .put("runner", options.runner())
            .put("attempt", 1)
            .put("host", CliEvents.hostName())
            .put("monitor", options.monitor());
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

  /**
   * The validated records; an invalid event is left out, named in {@code invalid} and its type
   * added to {@code rejected}.
   */
  private static List<OutgoingRecord> records(
      Settings settings,
      List<ObjectNode> envelopes,
      ContentMode mode,
      List<String> invalid,
      Set<String> rejected) {
    List<OutgoingRecord> records = new ArrayList<>();
    for (ObjectNode envelope : envelopes) {
      try {
        records.add(CliEvents.record(settings, envelope).in(mode));
      } catch (CliEvents.InvalidEvent e) {
        rejected.add(envelope.path("type").asText());
        invalid.add(
            "jobwatch run: not reporting invalid "
                + envelope.path("type").asText()
                + ": "
                + e.getMessage());
      }
    }
    return records;
  }
}
