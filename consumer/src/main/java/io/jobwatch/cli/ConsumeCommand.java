package io.jobwatch.cli;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code jobwatch consume}: runs the consumer until SIGTERM or SIGINT, then finishes the batch in
 * flight, commits and exits 0.
 */
@Command(
    name = "consume",
    description = "Consume the lifecycle and error topics into PostgreSQL and serve /metrics.")
public final class ConsumeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> environment = JobwatchCommand.root(spec).environment();
    String replaced = replacedSettingWarning(environment);
    if (replaced != null) {
      LoggerFactory.getLogger(ConsumeCommand.class).warn(replaced);
    }
    Settings settings = Settings.forConsumer(environment);
    // A stop before the consumer exists (the start waits up to 10 minutes for a server that takes
    // no connection yet) ends the wait and exits 0, as a stop later does.
    AtomicBoolean stopRequested = new AtomicBoolean();
    Thread starting = Thread.currentThread();
    StopSignals.onStop(
        () -> {
          stopRequested.set(true);
          starting.interrupt();
        });
    JobwatchApp app;
    try {
      app = JobwatchApp.start(settings, Clock.systemUTC());
    } catch (RuntimeException e) {
      if (stopRequested.get()) {
        LoggerFactory.getLogger(ConsumeCommand.class).info("stopped before the consumer started");
        return 0;
      }
      throw e;
    }
    StopSignals.onStop(app::close);
    boolean stoppedWhileStarting = stopRequested.get();
    Thread.interrupted(); // the interrupt of a stop that came as the start ended
    if (stoppedWhileStarting) {
      app.close();
    }
    app.awaitTermination();
    app.close();
    return app.consumerFailed() ? 1 : 0;
  }

  /** A warning for a setting an earlier version read and this one ignores; null if none is set. */
  static String replacedSettingWarning(Map<String, String> environment) {
    if (!environment.containsKey("JOBWATCH_HISTORY_CACHE_JOBS")) {
      return null;
    }
    return "JOBWATCH_HISTORY_CACHE_JOBS is no longer read: the fold-state cache is sized in memory"
        + " by JOBWATCH_HISTORY_CACHE_MB (default 64)";
  }
}
