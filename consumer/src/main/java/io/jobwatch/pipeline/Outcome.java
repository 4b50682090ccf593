package io.jobwatch.pipeline;

import io.jobwatch.core.WireName;

/** What became of one consumed record; the four add up to the records consumed. */
public enum Outcome implements WireName {
  APPLIED,
  DUPLICATE,
  IGNORED,
  DEAD_LETTERED;
}
