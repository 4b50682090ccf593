package io.jobwatch.store;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Turns rows into column arrays for {@code unnest(...)} bulk statements, so that one statement
 * writes a whole batch whatever its size. Stateless and thread-safe.
 */
final class Columns {
  private Columns() {}

  static <T> String[] text(List<T> rows, Function<T, String> column) {
    String[] values = new String[rows.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = column.apply(rows.get(i));
    }
    return values;
  }

  /** Instants travel as ISO-8601 text and are cast to timestamptz in SQL: no time-zone guessing. */
  static <T> String[] instant(List<T> rows, Function<T, Instant> column) {
    return text(
        rows,
        row -> {
          Instant value = column.apply(row);
          return value == null ? null : value.toString();
        });
  }

  static <T> Integer[] integer(List<T> rows, Function<T, Integer> column) {
    Integer[] values = new Integer[rows.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = column.apply(rows.get(i));
    }
    return values;
  }

  static <T> Long[] bigint(List<T> rows, Function<T, Long> column) {
    Long[] values = new Long[rows.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = column.apply(rows.get(i));
    }
    return values;
  }

  static <T> Boolean[] bool(List<T> rows, Function<T, Boolean> column) {
    Boolean[] values = new Boolean[rows.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = column.apply(rows.get(i));
    }
    return values;
  }
}
