package io.jobwatch.core.job;

import io.jobwatch.core.WireName;

/** Who a crash is blamed on, which decides who is notified. */
public enum Blame implements WireName {
  /** Our side: runner, minion, queuing-system setup. */
  PLATFORM,
  /** The task's own code or definition. */
  TASK,
  /** Network, package mirrors, external services. */
  THIRD_PARTY,
  /** Not known; a missing or null blame becomes this. */
  UNKNOWN;

  /** Parses a blame from an event; null or missing is {@link #UNKNOWN}. */
  public static Blame fromWireName(String name) {
    return name == null ? UNKNOWN : WireName.parse(Blame.class, name);
  }
}
