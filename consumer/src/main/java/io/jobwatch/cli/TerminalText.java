package io.jobwatch.cli;

/**
 * Text a publisher sent, made safe for the operator's terminal: every control character (C0, {@code
 * DEL} and C1, such as the escape that starts an ANSI sequence) is shown as an escape ({@code \n},
 * {@code \r}, {@code \t}, else {@code \}{@code u001b}), so a message can neither move the cursor,
 * retitle the window or clear the screen, nor break the line it is printed on. Stateless.
 */
final class TerminalText {
  private TerminalText() {}

  /** {@code text} with its control characters escaped, on one line; null stays null. */
  static String of(String text) {
    return escaped(text, false);
  }

  /**
   * {@code text} with its control characters escaped but for line feeds and tabs, for a text shown
   * on lines of its own (a dead letter's value, which may be pretty-printed JSON).
   */
  static String keepingLines(String text) {
    return escaped(text, true);
  }

  private static String escaped(String text, boolean keepLines) {
    if (text == null || !hasControl(text, keepLines)) {
      return text;
    }
    StringBuilder shown = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!isControl(c) || keepLines && isLineLayout(c)) {
        shown.append(c);
      } else if (c == '\n') {
        shown.append("\\n");
      } else if (c == '\r') {
        shown.append("\\r");
      } else if (c == '\t') {
        shown.append("\\t");
      } else {
        shown.append(String.format("\\u%04x", (int) c));
      }
    }
    return shown.toString();
  }

  private static boolean hasControl(String text, boolean keepLines) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isControl(c) && !(keepLines && isLineLayout(c))) {
        return true;
      }
    }
    return false;
  }

  /**
   * C0, DEL, C1, and the bidirectional embeddings, overrides and isolates, which would make a
   * terminal that orders right-to-left text show the rest of the line reordered ("png.exe" for
   * "exe.gnp"); right-to-left letters themselves are text.
   */
  private static boolean isControl(char c) {
    return Character.isISOControl(c)
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }

  private static boolean isLineLayout(char c) {
    return c == '\n' || c == '\t';
  }
}
