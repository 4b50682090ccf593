package io.jobwatch.cli;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code jobwatch consume}: runs the consumer until SIGTERM or SIGINT, then exits 0. */
@Command(
    name = "consume",
    description = "Consume the lifecycle and error topics into PostgreSQL and serve /metrics.")
public final class ConsumeCommand implements Callable<Integer> {
  @Override
  public Integer call() throws InterruptedException {
    JobwatchApp app =
        JobwatchApp.start(Settings.fromEnvironment(System.getenv()), Clock.systemUTC());
    Thread shutdown = new Thread(app::close, "jobwatch-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    app.awaitTermination();
    return 0;
  }
}
