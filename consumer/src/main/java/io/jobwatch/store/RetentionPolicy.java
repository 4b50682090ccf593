package io.jobwatch.store;

import java.time.Duration;

/**
 * How long jobwatch keeps what it stored (issue 11), and how the retention pass works. Ages count
 * from arrival (received_at), except for terminal jobs: from when they finished. Immutable.
 *
 * @param events {@code job_events} (whole day partitions), {@code JOBWATCH_RETAIN_EVENTS}
 * @param jobs terminal jobs with their dependencies and crash rows, {@code JOBWATCH_RETAIN_JOBS}
 * @param deadLetters {@code dead_letters}, {@code JOBWATCH_RETAIN_DEAD_LETTERS}
 * @param tombstones {@code job_tombstones}, {@code JOBWATCH_RETAIN_TOMBSTONES}
 * @param interval time between two passes of a consumer; zero disables the scheduled pass
 * @param step rows per short transaction
 * @param daysAhead day partitions created ahead of today
 */
public record RetentionPolicy(
    Duration events,
    Duration jobs,
    Duration deadLetters,
    Duration tombstones,
    Duration interval,
    int step,
    int daysAhead) {
  public static final int DEFAULT_STEP = 5000;
  public static final int DEFAULT_DAYS_AHEAD = 7;

  public RetentionPolicy {
    for (Duration age : new Duration[] {events, jobs, deadLetters, tombstones}) {
      if (age.isNegative() || age.isZero()) {
        throw new IllegalArgumentException("a retention must be positive, not " + age);
      }
    }
    if (interval.isNegative() || step < 1 || daysAhead < 1) {
      throw new IllegalArgumentException("invalid retention schedule");
    }
  }

  /**
   * The defaults of issue 11: events 30 days, terminal jobs 90, dead letters 30, tombstones 400.
   */
  public static RetentionPolicy defaults() {
    return new RetentionPolicy(
        Duration.ofDays(30),
        Duration.ofDays(90),
        Duration.ofDays(30),
        Duration.ofDays(400),
        Duration.ofHours(1),
        DEFAULT_STEP,
        DEFAULT_DAYS_AHEAD);
  }
}
