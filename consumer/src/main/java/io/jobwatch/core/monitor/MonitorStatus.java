package io.jobwatch.core.monitor;

import io.jobwatch.core.WireName;

/** The health of a monitored script, as reported in tables and metrics. */
public enum MonitorStatus implements WireName {
  /** Declared, never ran, and its first deadline has not passed. */
  NEW,
  /** The last run succeeded and the next one is not yet due. */
  UP,
  /** The expected run time passed without a success; still within grace. */
  LATE,
  /**
   * Past the deadline without a success, no start within the start grace, or {@code
   * failure_threshold} failed runs in a row (a success shorter than {@code min_runtime} is failed).
   */
  DOWN,
  /** A run started and has not finished within the declared max runtime. */
  OVERRUN,
  /** More runs finished within the declared period than {@code max_runs_per_period} allows. */
  TOO_OFTEN,
  /** Paused by an operator: never alerts. */
  PAUSED,
  /** Retired: never alerts and disappears from metrics. */
  RETIRED;

  public static MonitorStatus fromWireName(String name) {
    return WireName.parse(MonitorStatus.class, name);
  }
}
