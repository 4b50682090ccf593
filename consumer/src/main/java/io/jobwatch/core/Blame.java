package io.jobwatch.core;

import java.util.Locale;

/** Who a crash is blamed on, which decides who is notified. */
public enum Blame {
  /** Our side: runner, minion, queuing-system setup. */
  PLATFORM,
  /** The task's own code or definition. */
  TASK,
  /** Network, package mirrors, external services. */
  THIRD_PARTY,
  /** Not known; a missing or null blame becomes this. */
  UNKNOWN;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a blame from an event; null or missing is {@link #UNKNOWN}. */
  public static Blame fromWireName(String name) {
    return name == null ? UNKNOWN : valueOf(name.toUpperCase(Locale.ROOT));
  }
}
