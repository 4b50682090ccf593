package io.jobwatch.core;

import java.util.Locale;

/** Health severity of a stage, runner or service, in increasing order of badness. */
public enum Severity {
  OK,
  WARNING,
  ERROR,
  FATAL;

  /** The gauge value exported to Prometheus: 0 ok, 1 warning, 2 error, 3 fatal. */
  public int level() {
    return ordinal();
  }

  public Severity worst(Severity other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Severity fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
