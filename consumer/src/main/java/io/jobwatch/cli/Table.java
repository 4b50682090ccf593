package io.jobwatch.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A plain-text table with left-aligned, padded columns; a cell's whitespace runs collapse to one
 * space and its other control characters are shown as escapes ({@link TerminalText}). Not
 * thread-safe.
 */
final class Table {
  private static final int MAX_CELL = 60;
  private static final Pattern WHITESPACE_RUN = Pattern.compile("\\s+");

  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... header) {
    this.header = List.of(header);
  }

  Table row(Object... cells) {
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(cell(cell));
    }
    rows.add(row);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintWriter out) {
    int[] widths = new int[header.size()];
    for (int column = 0; column < widths.length; column++) {
      widths[column] = header.get(column).length();
      for (List<String> row : rows) {
        widths[column] = Math.max(widths[column], row.get(column).length());
      }
    }
    line(out, header, widths);
    for (List<String> row : rows) {
      line(out, row, widths);
    }
    out.flush();
  }

  private static void line(PrintWriter out, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int column = 0; column < cells.size(); column++) {
      String cell = cells.get(column);
      line.append(cell);
      if (column < cells.size() - 1) {
        line.append(" ".repeat(widths[column] - cell.length() + 2));
      }
    }
    out.println(line.toString().stripTrailing());
  }

  private static String cell(Object value) {
    if (value == null) {
      return "-";
    }
    String text = value.toString();
    if (needsCollapsing(text)) {
      text = WHITESPACE_RUN.matcher(text).replaceAll(" ");
    }
    text = TerminalText.of(text.strip());
    if (text.isEmpty()) {
      return "-";
    }
    if (text.length() <= MAX_CELL) {
      return text;
    }
    // Never between the two halves of an emoji or other supplementary character.
    int cut = MAX_CELL - 1;
    if (Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    return text.substring(0, cut) + "…";
  }

  /**
   * True when {@code text} has a whitespace run other than single spaces (most cells have none).
   */
  private static boolean needsCollapsing(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ') {
        if (i + 1 < text.length() && Character.isWhitespace(text.charAt(i + 1))) {
          return true;
        }
      } else if (Character.isWhitespace(c)) {
        return true;
      }
    }
    return false;
  }
}
