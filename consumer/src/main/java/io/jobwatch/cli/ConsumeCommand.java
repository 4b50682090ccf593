package io.jobwatch.cli;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.config.Settings;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
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
    JobwatchApp app = JobwatchApp.start(Settings.forConsumer(environment), Clock.systemUTC());
    StopSignals.onStop(app::close);
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
