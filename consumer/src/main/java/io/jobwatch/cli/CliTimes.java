package io.jobwatch.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Times as the read commands show them to people. Apart from {@link CliOutput} so that printing a
 * table loads neither Jdbi nor Jackson ({@code jobwatch status}'s start, issue 11.4). Stateless.
 */
final class CliTimes {
  private CliTimes() {}

  /** {@code 2026-11-22T10:00:00Z (3m ago)}, or {@code -}. */
  static String when(Instant at, Instant now) {
    if (at == null) {
      return "-";
    }
    return at.truncatedTo(ChronoUnit.SECONDS) + " (" + relative(at, now) + ")";
  }

  static String relative(Instant at, Instant now) {
    Duration between = Duration.between(at, now);
    boolean future = between.isNegative();
    long seconds = Math.abs(between.getSeconds());
    String amount;
    if (seconds < 120) {
      amount = seconds + "s";
    } else if (seconds < 7200) {
      amount = seconds / 60 + "m";
    } else if (seconds < 172_800) {
      amount = seconds / 3600 + "h";
    } else {
      amount = seconds / 86_400 + "d";
    }
    return future ? "in " + amount : amount + " ago";
  }
}
