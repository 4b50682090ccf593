package io.jobwatch.cli;

import io.jobwatch.JobwatchException;
import io.jobwatch.demo.DemoPublishers;
import io.jobwatch.demo.DemoStack;
import io.jobwatch.store.DeadLettersTable;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jobwatch demo}: embedded Kafka and PostgreSQL, a running jobwatch, simulated publishers,
 * and every few seconds what an operator would look at.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "A self-contained demo with simulated publishers.",
      "Starts an embedded Kafka broker and PostgreSQL (temporary directories), jobwatch itself, and",
      "simulated schedulers, runners and cron scripts (blast, hmmer, clustalo on slurm and",
      "gridengine) with realistic failures. Prints service health and recent jobs every few",
      "seconds; /metrics is served on --http-port. Ctrl-C stops and deletes everything."
    },
    footer = {"", "Examples:", "  jobwatch demo", "  jobwatch demo --duration 2m --http-port 9464"})
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "Stop after this long (20s, 5m, PT1H); default: until Ctrl-C.")
  Duration duration;

  @Option(
      names = "--http-port",
      description = "Port of /metrics (default ${DEFAULT-VALUE}; 0 = any).")
  int httpPort = 9464;

  @Option(
      names = "--interval",
      converter = DurationConverter.class,
      description = "Time between displays (default 5s).")
  Duration interval = Duration.ofSeconds(5);

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    out.println("starting embedded Kafka, PostgreSQL and jobwatch …");
    out.flush();
    DemoStack stack = DemoStack.start(JobwatchCommand.root(spec).settings(), httpPort);
    DemoPublishers publishers =
        new DemoPublishers(
            stack.settings().kafkaBootstrap(),
            stack.settings().kafkaOverrides(),
            stack.settings().lifecycleTopic(),
            stack.settings().errorsTopic());
    Thread publishing = new Thread(publishers, "jobwatch-demo-publishers");
    Thread hook = new Thread(() -> stop(publishers, publishing, stack), "jobwatch-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    publishing.start();
    out.println(
        "jobwatch is consuming "
            + stack.settings().kafkaBootstrap()
            + "; metrics on http://127.0.0.1:"
            + stack.app().httpPort()
            + "/metrics; database "
            + stack.settings().db().jdbcUrl()
            + " (user "
            + stack.settings().db().user()
            + ")");
    out.flush();
    Jdbi jdbi = CliOutput.jdbi(stack.settings());
    Instant end = duration == null ? Instant.MAX : Instant.now().plus(duration);
    try {
      while (Instant.now().isBefore(end)) {
        Thread.sleep(Math.min(interval.toMillis(), Math.max(1, remaining(end))));
        display(out, jdbi);
      }
    } finally {
      stop(publishers, publishing, stack);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Already shutting down: the hook runs stop() too, which is idempotent.
      }
    }
    out.println("demo stopped");
    out.flush();
    return 0;
  }

  private static long remaining(Instant end) {
    return end == Instant.MAX ? Long.MAX_VALUE : Duration.between(Instant.now(), end).toMillis();
  }

  private static void display(PrintWriter out, Jdbi jdbi) {
    Instant now = Instant.now();
    HealthQueries.Status status =
        jdbi.withHandle(
            handle -> {
              try {
                return HealthQueries.status(handle.getConnection(), now);
              } catch (SQLException e) {
                throw new JobwatchException("demo: cannot read the health", e);
              }
            });
    List<JobQueries.Job> jobs = jdbi.withHandle(handle -> JobQueries.recent(handle, 12));
    List<MonitorQueries.Monitor> monitors = jdbi.withHandle(MonitorQueries::all);
    long deadLetters = jdbi.withHandle(DeadLettersTable::countUnreplayed);
    out.println();
    out.println(
        "=== jobwatch demo "
            + LocalTime.now(ZoneId.systemDefault()).truncatedTo(ChronoUnit.SECONDS)
            + " ===");
    StatusRenderer.printServices(out, status);
    out.println();
    StatusRenderer.printRecentJobs(out, jobs, now);
    out.println();
    StringBuilder line = new StringBuilder("monitors:");
    for (MonitorQueries.Monitor monitor : monitors) {
      line.append(' ').append(monitor.monitor()).append('=').append(monitor.status());
    }
    out.println(line + "   dead letters: " + deadLetters);
    out.flush();
  }

  private static synchronized void stop(
      DemoPublishers publishers, Thread publishing, DemoStack stack) {
    publishers.stop();
    try {
      publishing.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    publishers.close();
    stack.close();
  }
}
