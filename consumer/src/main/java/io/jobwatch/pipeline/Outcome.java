package io.jobwatch.pipeline;

import java.util.Locale;

/** What became of one consumed record; the four add up to the records consumed. */
public enum Outcome {
  APPLIED,
  DUPLICATE,
  IGNORED,
  DEAD_LETTERED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
