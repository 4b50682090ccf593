package io.jobwatch.store;

import io.jobwatch.JobwatchException;
import java.io.IOException;
import java.io.StringReader;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;

/**
 * Rows in PostgreSQL's COPY text format, streamed with pgjdbc's CopyManager: the cheapest way to
 * insert many rows in one round trip. Not thread-safe; one per statement.
 */
final class CopyText {
  private final StringBuilder text = new StringBuilder(1 << 16);
  private boolean rowStarted;

  /** Appends one column value; null becomes {@code \N}. */
  CopyText value(Object value) {
    if (rowStarted) {
      text.append('\t');
    }
    rowStarted = true;
    if (value == null) {
      text.append("\\N");
      return this;
    }
    String string = value.toString();
    int first = firstSpecial(string);
    if (first < 0) {
      text.append(string);
      return this;
    }
    text.append(string, 0, first);
    for (int i = first; i < string.length(); i++) {
      char c = string.charAt(i);
      switch (c) {
        case '\\' -> text.append("\\\\");
        case '\n' -> text.append("\\n");
        case '\r' -> text.append("\\r");
        case '\t' -> text.append("\\t");
        default -> text.append(c);
      }
    }
    return this;
  }

  private static int firstSpecial(String string) {
    for (int i = 0; i < string.length(); i++) {
      char c = string.charAt(i);
      if (c == '\\' || c == '\n' || c == '\r' || c == '\t') {
        return i;
      }
    }
    return -1;
  }

  /** Ends the current row. */
  CopyText endRow() {
    text.append('\n');
    rowStarted = false;
    return this;
  }

  /** Runs {@code COPY table (columns) FROM STDIN} on the handle's connection; returns rows. */
  long copyInto(Handle handle, String tableAndColumns) {
    try {
      PGConnection connection = handle.getConnection().unwrap(PGConnection.class);
      return connection
          .getCopyAPI()
          .copyIn("COPY " + tableAndColumns + " FROM STDIN", new StringReader(text.toString()));
    } catch (SQLException | IOException e) {
      throw new JobwatchException("COPY into " + tableAndColumns + " failed", e);
    }
  }
}
