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

  /** Not started yet: submitted, queued or waiting (what a job that waits on others can be). */
  public boolean isPending() {
    return ordinal() < RUNNING.ordinal();
  }

  public boolean isTerminal() {
    return ordinal() >= SUCCEEDED.ordinal();
  }

  public static JobState fromWireName(String name) {
    return WireName.parse(JobState.class, name);
  }
}
