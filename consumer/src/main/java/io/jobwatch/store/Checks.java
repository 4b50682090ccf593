package io.jobwatch.store;

import io.jobwatch.JobwatchException;

/** Row-count checks: a write that must touch N rows and touched another number is a bug. */
final class Checks {
  private Checks() {}

  static void expectRows(String what, int expected, int actual) {
    if (expected != actual) {
      throw new JobwatchException(
          what + ": expected " + expected + " modified rows, got " + actual);
    }
  }
}
