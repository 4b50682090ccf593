package io.jobwatch.core.monitor;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.jobwatch.core.monitor.MonitorChange.Schedule;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * When a monitor schedule next fires. Pure and stateless, safe to call from any thread.
 *
 * <p>Cron expressions use the Unix five-field syntax and run on the wall clock of their zone, like
 * a cron daemon: a fire time that a spring-forward transition skips (02:30 on the day Berlin jumps
 * from 02:00 to 03:00) is moved forward by the length of the gap (to 03:30 summer time) instead of
 * being dropped; a wall-clock time that a fall-back transition repeats fires once, at its first
 * occurrence.
 */
public final class MonitorSchedules {
  private static final CronParser UNIX_CRON =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** Enough wall-clock steps to walk out of any fall-back overlap, even for a per-minute cron. */
  private static final int MAX_STEPS = 10_000;

  private MonitorSchedules() {}

  /**
   * The first fire time strictly after {@code base}: {@code base + every} for a fixed interval, the
   * next cron fire time for a cron schedule; null if the cron expression never fires again or the
   * time would be later than {@link MonitorLimits#LATEST}.
   *
   * @throws IllegalArgumentException if the schedule is invalid (see {@link #validate})
   */
  public static Instant nextAfter(Schedule schedule, Instant base) {
    validate(schedule);
    if (schedule instanceof Schedule.Every every) {
      return MonitorLimits.plusOrNever(base, every.every());
    }
    if (schedule instanceof Schedule.Cron cron) {
      return nextCronFire(cron, base);
    }
    throw new IllegalArgumentException("Unknown schedule: " + schedule);
  }

  /**
   * Checks a schedule, for adapters that reject bad declarations before folding them.
   *
   * @throws IllegalArgumentException if {@code every} is not positive or the cron expression does
   *     not parse as a five-field Unix expression
   */
  public static void validate(Schedule schedule) {
    if (schedule instanceof Schedule.Every every) {
      if (every.every() == null || every.every().isNegative() || every.every().isZero()) {
        throw new IllegalArgumentException("Schedule every must be positive: " + every.every());
      }
    } else if (schedule instanceof Schedule.Cron cron) {
      if (cron.expression() == null || cron.zone() == null) {
        throw new IllegalArgumentException("Cron schedule needs an expression and a zone: " + cron);
      }
      executionTime(cron);
    } else {
      throw new IllegalArgumentException("Unknown schedule: " + schedule);
    }
  }

  private static Instant nextCronFire(Schedule.Cron cron, Instant base) {
    ExecutionTime executionTime = executionTime(cron);
    // Walk the zone's wall clock on an offset-free line, so cron-utils cannot drop the fire times
    // a DST gap skips; java.time then resolves each wall-clock time in the real zone.
    ZonedDateTime wallClock = base.atZone(cron.zone()).toLocalDateTime().atZone(ZoneOffset.UTC);
    for (int step = 0; step < MAX_STEPS; step++) {
      Optional<ZonedDateTime> next = executionTime.nextExecution(wallClock);
      if (next.isEmpty()) {
        return null;
      }
      wallClock = next.get();
      LocalDateTime local = wallClock.toLocalDateTime();
      Instant fire = ZonedDateTime.ofLocal(local, cron.zone(), null).toInstant();
      if (fire.isAfter(base)) {
        return fire;
      }
    }
    throw new IllegalStateException(
        "No fire time of cron '" + cron.expression() + "' after " + base + " within " + MAX_STEPS);
  }

  private static ExecutionTime executionTime(Schedule.Cron cron) {
    try {
      return ExecutionTime.forCron(UNIX_CRON.parse(cron.expression()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Invalid cron expression '" + cron.expression() + "': " + e.getMessage(), e);
    }
  }
}
