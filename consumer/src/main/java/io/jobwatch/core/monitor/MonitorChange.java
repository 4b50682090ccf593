package io.jobwatch.core.monitor;

import java.time.Duration;
import java.time.ZoneId;

/** What a monitor event says. Immutable and safe to share between threads. */
public sealed interface MonitorChange {
  String type();

  /** How often a monitored script is expected to succeed. */
  sealed interface Schedule {
    /** Every fixed ISO-8601 duration. */
    record Every(Duration every) implements Schedule {}

    /** A cron expression (Unix five-field syntax) evaluated in {@code zone}. */
    record Cron(String expression, ZoneId zone) implements Schedule {}
  }

  /** {@code monitor.declared}. {@code maxRuntime} may be null; null rules are the defaults. */
  record Declared(
      String team, Schedule schedule, Duration grace, Duration maxRuntime, MonitorRules rules)
      implements MonitorChange {
    public Declared {
      rules = rules == null ? MonitorRules.DEFAULT : rules;
    }

    /** A declaration without run rules. */
    public Declared(String team, Schedule schedule, Duration grace, Duration maxRuntime) {
      this(team, schedule, grace, maxRuntime, MonitorRules.DEFAULT);
    }

    @Override
    public String type() {
      return "monitor.declared";
    }
  }

  /** {@code monitor.paused}. */
  record Paused() implements MonitorChange {
    @Override
    public String type() {
      return "monitor.paused";
    }
  }

  /** {@code monitor.resumed}. */
  record Resumed() implements MonitorChange {
    @Override
    public String type() {
      return "monitor.resumed";
    }
  }

  /** {@code monitor.retired}. */
  record Retired() implements MonitorChange {
    @Override
    public String type() {
      return "monitor.retired";
    }
  }
}
