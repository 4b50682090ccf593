package io.jobwatch.core;

import java.util.Locale;

/** Where one dependency edge stands. */
public enum DependencyStatus {
  /** The dependency ended in an accepted state. */
  SATISFIED,
  /** The dependency has not ended yet (or has not been seen at all). */
  WAITING,
  /** The dependency ended outside the accepted states, or can itself never run. */
  UNSATISFIABLE,
  /** A job that depends on itself: a publisher error, shown rather than dropped. */
  INVALID;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
