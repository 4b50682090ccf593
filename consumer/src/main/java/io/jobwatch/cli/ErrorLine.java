package io.jobwatch.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * An error and its causes on one line, for commands whose failures say what failed: the first line
 * of each message, each cause named by its class (an {@code AccessDeniedException}'s message is
 * only a path). Not masked: callers redact the line. Stateless and thread-safe.
 */
final class ErrorLine {
  private static final int MAX_LINKS = 4;

  private ErrorLine() {}

  static String of(Throwable error) {
    List<String> parts = new ArrayList<>();
    for (Throwable link = error;
        link != null && parts.size() < MAX_LINKS;
        link = link.getCause() == link ? null : link.getCause()) {
      String message = link.getMessage() == null ? "" : link.getMessage().strip();
      String first = message.lines().findFirst().orElse("");
      parts.add(
          link == error
              ? first
              : link.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first));
    }
    return String.join(": ", parts);
  }
}
