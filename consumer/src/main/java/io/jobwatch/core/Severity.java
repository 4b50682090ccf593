package io.jobwatch.core;

/** Health severity of a stage, runner or service, in increasing order of badness. */
public enum Severity implements WireName {
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

  public static Severity fromWireName(String name) {
    return WireName.parse(Severity.class, name);
  }
}
