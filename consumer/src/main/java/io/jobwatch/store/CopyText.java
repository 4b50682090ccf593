package io.jobwatch.store;

import io.jobwatch.JobwatchException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;

/**
 * Rows in PostgreSQL's COPY text format, streamed with pgjdbc's CopyManager: the cheapest way to
 * insert many rows in one round trip. The rows are written straight as UTF-8 bytes (ASCII, nearly
 * all of an event, without an intermediate String or char encoder). Not thread-safe; one per
 * statement.
 */
final class CopyText {
  private byte[] bytes = new byte[1 << 16];
  private int size;
  private boolean rowStarted;

  /** Appends one column value; null becomes {@code \N}. */
  CopyText value(Object value) {
    if (rowStarted) {
      put((byte) '\t');
    }
    rowStarted = true;
    if (value == null) {
      put((byte) '\\');
      put((byte) 'N');
      return this;
    }
    String string = value.toString();
    int length = string.length();
    ensure(2 * length);
    for (int i = 0; i < length; i++) {
      char c = string.charAt(i);
      if (c >= 0x80) {
        // Rare: encode the rest properly. UTF-8 bytes of non-ASCII characters are all >= 0x80,
        // so escaping the encoded bytes escapes exactly the special ASCII characters.
        byte[] rest = string.substring(i).getBytes(StandardCharsets.UTF_8);
        ensure(2 * rest.length);
        for (byte b : rest) {
          escaped(b);
        }
        return this;
      }
      escaped((byte) c);
    }
    return this;
  }

  /** Writes one byte, escaped as COPY text needs; the caller ensured room for two. */
  private void escaped(byte b) {
    switch (b) {
      case '\\' -> escape((byte) '\\');
      case '\n' -> escape((byte) 'n');
      case '\r' -> escape((byte) 'r');
      case '\t' -> escape((byte) 't');
      default -> bytes[size++] = b;
    }
  }

  private void escape(byte letter) {
    bytes[size++] = '\\';
    bytes[size++] = letter;
  }

  private void put(byte b) {
    ensure(1);
    bytes[size++] = b;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, size + more));
    }
  }

  /** Ends the current row. */
  CopyText endRow() {
    put((byte) '\n');
    rowStarted = false;
    return this;
  }

  /** The rows written so far, as sent to PostgreSQL. */
  byte[] bytes() {
    return Arrays.copyOf(bytes, size);
  }

  /** Runs {@code COPY table (columns) FROM STDIN} on the handle's connection; returns rows. */
  long copyInto(Handle handle, String tableAndColumns) {
    try {
      PGConnection connection = handle.getConnection().unwrap(PGConnection.class);
      return connection
          .getCopyAPI()
          .copyIn(
              "COPY " + tableAndColumns + " FROM STDIN (ENCODING 'UTF8')",
              new ByteArrayInputStream(bytes, 0, size));
    } catch (SQLException | IOException e) {
      throw new JobwatchException("COPY into " + tableAndColumns + " failed", e);
    }
  }
}
