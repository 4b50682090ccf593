package io.jobwatch.cli;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code jobwatch consume}: runs the consumer until SIGTERM or SIGINT, then finishes the batch in
 * flight, commits and exits 0.
 */
@Command(
    name = "consume",
    description = "Consume the lifecycle and error topics into PostgreSQL and serve /metrics.")
public final class ConsumeCommand implements Callable<Integer> {
  @Override
  public Integer call() throws InterruptedException {
    JobwatchApp app =
        JobwatchApp.start(Settings.fromEnvironment(System.getenv()), Clock.systemUTC());
    StopSignals.onStop(app::close);
    app.awaitTermination();
    app.close();
    return 0;
  }
}
