package io.jobwatch.core.monitor;

import io.jobwatch.core.MonitorEvent;
import io.jobwatch.core.monitor.MonitorChange.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/** Builders shared by the monitor tests, so each test reads as its scenario. */
final class MonitorFixtures {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final String MONITOR = "nightly-backup";

  private MonitorFixtures() {}

  /** A wall-clock time in Berlin, for example {@code berlin("2026-06-10T03:05")}. */
  static Instant berlin(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
  }

  static Instant utc(String instant) {
    return Instant.parse(instant);
  }

  static MonitorEvent event(Instant time, MonitorChange change) {
    return new MonitorEvent(UUID.randomUUID().toString(), time, MONITOR, change);
  }

  static MonitorEvent declared(
      Instant time, Schedule schedule, Duration grace, Duration maxRuntime) {
    return event(time, new MonitorChange.Declared("storage", schedule, grace, maxRuntime));
  }

  static Schedule cron(String expression) {
    return new Schedule.Cron(expression, BERLIN);
  }

  static Schedule every(String isoDuration) {
    return new Schedule.Every(Duration.parse(isoDuration));
  }

  static MonitorRun succeeded(Instant startedAt, Instant finishedAt) {
    return new MonitorRun(startedAt, finishedAt, true);
  }

  static MonitorRun failed(Instant startedAt, Instant finishedAt) {
    return new MonitorRun(startedAt, finishedAt, false);
  }

  static MonitorRun running(Instant startedAt) {
    return new MonitorRun(startedAt, null, null);
  }

  /** Folds events and runs in the given order. */
  static MonitorState fold(List<?> inputs) {
    MonitorState state = null;
    for (Object input : inputs) {
      if (input instanceof MonitorEvent event) {
        state = MonitorFold.apply(state, event);
      } else if (input instanceof MonitorRun run) {
        state = MonitorFold.observeRun(state, MONITOR, run);
      } else {
        throw new IllegalArgumentException("Not a monitor input: " + input);
      }
    }
    return state;
  }

  static MonitorState fold(Object... inputs) {
    return fold(List.of(inputs));
  }
}
