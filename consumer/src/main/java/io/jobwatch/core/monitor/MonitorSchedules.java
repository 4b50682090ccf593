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
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * When a monitor schedule next fires. Pure and stateless, safe to call from any thread.
 *
 * <p>Cron expressions use the Unix five-field syntax and run on the wall clock of their zone, like
 * a cron daemon: a fire time that a spring-forward transition skips (02:30 on the day Berlin jumps
 * from 02:00 to 03:00) is moved forward by the length of the gap (to 03:30 summer time) instead of
 * being dropped; a wall-clock time that a fall-back transition repeats fires once, at its first
 * occurrence. The crontab(5) nicknames that stand for a schedule ({@code @hourly}, {@code @daily},
 * …) and Kubernetes' {@code ?} for "any" are read as the five fields they stand for ({@link
 * #fiveFields}), so a Kubernetes CronJob's or a crontab's schedule can be declared as it is
 * written.
 */
public final class MonitorSchedules {
  private static final CronParser UNIX_CRON =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /**
   * The crontab(5) nicknames that stand for a schedule, as cron daemons and Kubernetes CronJobs
   * read them ({@code @reboot} does not: it is no schedule).
   */
  private static final Map<String, String> NICKNAMES =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  /**
   * A day-of-week range that starts on Sunday by name ({@code SUN-THU}, a Sunday-to-Thursday
   * working week): cron daemons and Kubernetes read {@code SUN} as 0, cron-utils as 7, which would
   * make the range run backwards and refuse it. {@code SUN-SUN} stays as it is: 7-7 is Sunday too,
   * while 0-7 would be every day.
   */
  private static final Pattern SUNDAY_STARTS_RANGE = Pattern.compile("(?i)\\bSUN-(?!SUN\\b)");

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

  /**
   * The five-field Unix expression a declared cron expression stands for: a nickname's fields, or
   * the expression with Kubernetes' (robfig/cron's) {@code ?} read as {@code *}, which is what it
   * means in any field there, and a day-of-week range from {@code SUN} read from 0 ({@link
   * #SUNDAY_STARTS_RANGE}). The declared text is what is stored and shown; this is what is parsed.
   *
   * @throws IllegalArgumentException for an {@code @} word that stands for no schedule ({@code
   *     @reboot}, {@code @every 1h}, a nickname not in lower case)
   */
  public static String fiveFields(String expression) {
    String word = expression.strip();
    if (word.startsWith("@")) {
      String fields = NICKNAMES.get(word);
      if (fields == null) {
        throw new IllegalArgumentException(
            "'"
                + word
                + "' stands for no schedule (the nicknames are @yearly, @annually, @monthly,"
                + " @weekly, @daily, @midnight and @hourly)");
      }
      return fields;
    }
    String[] fields = expression.strip().split("\\s+");
    if (fields.length == 5) {
      fields[4] = SUNDAY_STARTS_RANGE.matcher(fields[4]).replaceAll("0-");
      return String.join(" ", fields).replace('?', '*');
    }
    return expression.replace('?', '*');
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
      return ExecutionTime.forCron(UNIX_CRON.parse(fiveFields(cron.expression())));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Invalid cron expression '" + cron.expression() + "': " + e.getMessage(), e);
    }
  }
}
