package io.jobwatch.store;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the retention pass of a consumer every {@link RetentionPolicy#interval()} on its own thread
 * (the first one {@link #FIRST_PASS_AFTER} after start, so instances restarting together do not all
 * run one at once, yet a consumer restarted more often than the interval still runs it), on its own
 * thread so a long pass never delays the metrics refresh. A failed pass is logged and retried at
 * the next interval. Thread-safe; close it once.
 */
public final class RetentionSchedule implements AutoCloseable {
  static final Duration FIRST_PASS_AFTER = Duration.ofMinutes(10);
  private static final Logger LOG = LoggerFactory.getLogger(RetentionSchedule.class);
  private final ScheduledExecutorService executor;

  private RetentionSchedule(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  /** Starts the schedule; with a zero interval nothing runs (operators run the command). */
  public static RetentionSchedule start(Jdbi jdbi, RetentionPolicy policy, Clock clock) {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "jobwatch-retention");
              thread.setDaemon(true);
              return thread;
            });
    long every = policy.interval().toMillis();
    if (every > 0) {
      executor.scheduleWithFixedDelay(
          () -> {
            try {
              Retention.run(jdbi, policy, clock.instant(), false);
            } catch (RuntimeException e) {
              LOG.warn("retention pass failed; next try in {}", policy.interval(), e);
            }
          },
          Math.min(every, FIRST_PASS_AFTER.toMillis()),
          every,
          TimeUnit.MILLISECONDS);
    }
    return new RetentionSchedule(executor);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
