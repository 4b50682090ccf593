package io.jobwatch.contract;

import static io.jobwatch.contract.Fields.text;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.jobwatch.core.monitor.MonitorChange;
import io.jobwatch.core.monitor.MonitorLimits;
import io.jobwatch.core.monitor.MonitorRules;
import io.jobwatch.core.monitor.MonitorSchedules;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Maps the schema-valid {@code data} of a {@code monitor.*} event to a {@link MonitorChange}, and
 * checks what JSON Schema cannot: that a cron expression parses and fires, a time zone exists, and
 * durations are positive where they must be and at most 366 days long.
 */
final class MonitorChangeMapper {
  private static final CronDefinition UNIX_CRON =
      CronDefinitionBuilder.instanceDefinitionFor(com.cronutils.model.CronType.UNIX);

  private static final ZonedDateTime CRON_PROBE =
      ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private MonitorChangeMapper() {}

  static MonitorChange map(String type, JsonNode data) {
    switch (type) {
      case "monitor.declared":
        return declared(data);
      case "monitor.paused":
        return new MonitorChange.Paused();
      case "monitor.resumed":
        return new MonitorChange.Resumed();
      case "monitor.retired":
        return new MonitorChange.Retired();
      default:
        throw new IllegalStateException("the schema accepted an unmapped monitor type " + type);
    }
  }

  private static MonitorChange.Declared declared(JsonNode data) {
    JsonNode schedule = data.get("schedule");
    JsonNode perPeriod = data.get("max_runs_per_period");
    boolean limited = perPeriod != null && !perPeriod.isNull();
    return declared(
        new DeclaredFields(
            text(data, "team"),
            text(schedule, "every"),
            text(schedule, "cron"),
            text(schedule, "timezone"),
            text(data, "grace"),
            text(data, "max_runtime"),
            text(data, "min_runtime"),
            text(data, "start_grace"),
            Fields.integer(data, "failure_threshold"),
            Fields.integer(data, "recovery_threshold"),
            limited ? (int) Fields.whole(perPeriod.get("runs")) : null,
            limited ? perPeriod.get("period").asText() : null));
  }

  /**
   * The members of a schema-valid {@code monitor.declared} data object, as read by either decoder;
   * a missing optional member is null.
   */
  record DeclaredFields(
      String team,
      String every,
      String cron,
      String timezone,
      String grace,
      String maxRuntime,
      String minRuntime,
      String startGrace,
      Integer failureThreshold,
      Integer recoveryThreshold,
      Integer runs,
      String period) {}

  /**
   * Checks what JSON Schema cannot and builds the declaration. The checks run in the order of the
   * members below, so both decoders name the same field when several are wrong.
   */
  static MonitorChange.Declared declared(DeclaredFields data) {
    MonitorChange.Schedule schedule =
        data.every() != null
            ? new MonitorChange.Schedule.Every(positive("$.data.schedule.every", data.every()))
            : new MonitorChange.Schedule.Cron(cron(data.cron()), zone(data.timezone()));
    Duration grace = bounded("$.data.grace", data.grace());
    Duration maxRuntime =
        data.maxRuntime() == null ? null : positive("$.data.max_runtime", data.maxRuntime());
    return new MonitorChange.Declared(data.team(), schedule, grace, maxRuntime, rules(data));
  }

  /** The run rules of issue 14.3; the schema bounds the thresholds and the number of runs. */
  private static MonitorRules rules(DeclaredFields data) {
    Duration minRuntime =
        data.minRuntime() == null ? null : positive("$.data.min_runtime", data.minRuntime());
    Duration startGrace =
        data.startGrace() == null ? null : bounded("$.data.start_grace", data.startGrace());
    Duration period =
        data.runs() == null ? null : positive("$.data.max_runs_per_period.period", data.period());
    return new MonitorRules(
        minRuntime,
        startGrace,
        data.failureThreshold() == null ? 1 : data.failureThreshold(),
        data.recoveryThreshold() == null ? 1 : data.recoveryThreshold(),
        data.runs(),
        period);
  }

  private static String cron(String expression) {
    Cron cron;
    try {
      // The parser keeps no state between calls, but is cheap enough to build per declaration.
      cron = new CronParser(UNIX_CRON).parse(MonitorSchedules.fiveFields(expression)).validate();
    } catch (IllegalArgumentException e) {
      throw Rejection.field(
          "$.data.schedule.cron", "not a valid Unix cron expression: " + e.getMessage());
    }
    // A day that does not exist (30 February) parses, but the monitor could never be on time.
    if (ExecutionTime.forCron(cron).nextExecution(CRON_PROBE).isEmpty()) {
      throw Rejection.field("$.data.schedule.cron", "'" + expression + "' never fires");
    }
    return expression;
  }

  private static ZoneId zone(String timezone) {
    try {
      return ZoneId.of(timezone);
    } catch (DateTimeException e) {
      throw Rejection.field("$.data.schedule.timezone", "unknown time zone '" + timezone + "'");
    }
  }

  private static Duration positive(String field, String text) {
    Duration duration = bounded(field, text);
    if (duration.isZero()) {
      throw Rejection.field(field, "must be longer than zero");
    }
    return duration;
  }

  /** A duration of at most {@link MonitorLimits#MAX_DURATION}, so no schedule sum can overflow. */
  private static Duration bounded(String field, String text) {
    Duration duration = duration(field, text);
    if (!MonitorLimits.isWithinBounds(duration)) {
      throw Rejection.field(field, "must be at most 366 days (P366D), not '" + text + "'");
    }
    return duration;
  }

  /**
   * Parses an ISO-8601 duration. {@link Duration#parse} knows days but not weeks, so a date part
   * such as {@code P1W2D} is read as a {@link Period} and added as whole days.
   */
  static Duration duration(String field, String text) {
    try {
      return Duration.parse(text);
    } catch (DateTimeException notPlain) {
      try {
        int timeAt = text.indexOf('T');
        String datePart = timeAt < 0 ? text : text.substring(0, timeAt);
        Duration time = timeAt < 0 ? Duration.ZERO : Duration.parse("P" + text.substring(timeAt));
        return Duration.ofDays(Period.parse(datePart).getDays()).plus(time);
      } catch (DateTimeException | ArithmeticException e) {
        throw Rejection.field(field, "not a usable ISO-8601 duration '" + text + "'");
      }
    }
  }
}
