package io.jobwatch.contract;

import static io.jobwatch.contract.Fields.text;

import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.jobwatch.core.MonitorChange;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;

/**
 * Maps the schema-valid {@code data} of a {@code monitor.*} event to a {@link MonitorChange}, and
 * checks what JSON Schema cannot: that a cron expression parses, a time zone exists and durations
 * are positive where they must be.
 */
final class MonitorChangeMapper {
  private static final CronDefinition UNIX_CRON =
      CronDefinitionBuilder.instanceDefinitionFor(com.cronutils.model.CronType.UNIX);

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
    String maxRuntime = text(data, "max_runtime");
    return new MonitorChange.Declared(
        text(data, "team"),
        schedule(data.get("schedule")),
        duration("$.data.grace", text(data, "grace")),
        maxRuntime == null ? null : positive("$.data.max_runtime", maxRuntime));
  }

  private static MonitorChange.Schedule schedule(JsonNode schedule) {
    if (schedule.has("every")) {
      return new MonitorChange.Schedule.Every(
          positive("$.data.schedule.every", schedule.get("every").asText()));
    }
    return new MonitorChange.Schedule.Cron(
        cron(schedule.get("cron").asText()), zone(schedule.get("timezone").asText()));
  }

  private static String cron(String expression) {
    try {
      // The parser keeps no state between calls, but is cheap enough to build per declaration.
      new CronParser(UNIX_CRON).parse(expression).validate();
      return expression;
    } catch (IllegalArgumentException e) {
      throw Rejection.field(
          "$.data.schedule.cron", "not a valid Unix cron expression: " + e.getMessage());
    }
  }

  private static ZoneId zone(String timezone) {
    try {
      return ZoneId.of(timezone);
    } catch (DateTimeException e) {
      throw Rejection.field("$.data.schedule.timezone", "unknown time zone '" + timezone + "'");
    }
  }

  private static Duration positive(String field, String text) {
    Duration duration = duration(field, text);
    if (duration.isZero()) {
      throw Rejection.field(field, "must be longer than zero");
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
