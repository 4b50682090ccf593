package io.jobwatch.core.job;

import io.jobwatch.core.WireName;

/** The state of a job: four open states, then four terminal ones. */
public enum JobState implements WireName {
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

  public static JobState fromWireName(String name) {
    return WireName.parse(JobState.class, name);
  }
}
