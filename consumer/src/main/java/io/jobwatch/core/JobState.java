package io.jobwatch.core;

import java.util.Locale;

/** The state of a job: four open states, then four terminal ones. */
public enum JobState {
  SUBMITTED,
  QUEUED,
  WAITING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CRASHED,
  CANCELLED;

  public boolean isTerminal() {
    return ordinal() >= SUCCEEDED.ordinal();
  }

  /** The lower-case name used in events, tables and metrics. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobState fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
