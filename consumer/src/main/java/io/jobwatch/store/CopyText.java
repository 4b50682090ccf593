package io.jobwatch.store;

import io.jobwatch.JobwatchException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;

/**
 * Rows in PostgreSQL's COPY text format, streamed with pgjdbc's CopyManager: the cheapest way to
 * insert many rows in one round trip. The rows are written straight as UTF-8 bytes (ASCII, nearly
 * all of an event, without an intermediate String or char encoder) into 64 KiB chunks: a batch's
 * rows are a few MiB, and one growing array of that size is a humongous object for G1 (more than
 * half a region, 1 MiB in heaps under 2 GiB), allocated in the old generation and starting a
 * collection cycle. Not thread-safe; one per statement.
 */
final class CopyText {
  static final int CHUNK = 1 << 16;

  /** The longest run of bytes {@link #ensure} is asked for: each may become two when escaped. */
  private static final int SLICE = CHUNK / 2;

  private final List<byte[]> chunks = new ArrayList<>();
  private final List<Integer> lengths = new ArrayList<>();
  private byte[] chunk = new byte[CHUNK];
  private int size;
  private boolean rowStarted;

  /** Appends one column value; null becomes {@code \N}. */
  CopyText value(Object value) {
    if (rowStarted) {
      put((byte) '\t');
    }
    rowStarted = true;
    if (value == null) {
      ensure(2);
      chunk[size++] = '\\';
      chunk[size++] = 'N';
      return this;
    }
    String string = value.toString();
    int length = string.length();
    int i = 0;
    while (i < length) {
      int end = Math.min(length, i + SLICE);
      ensure(2 * (end - i));
      for (; i < end; i++) {
        char c = string.charAt(i);
        if (c >= 0x80) {
          // Rare: encode the rest properly. UTF-8 bytes of non-ASCII characters are all >= 0x80,
          // so escaping the encoded bytes escapes exactly the special ASCII characters.
          escapedAll(string.substring(i).getBytes(StandardCharsets.UTF_8));
          return this;
        }
        escaped((byte) c);
      }
    }
    return this;
  }

  private void escapedAll(byte[] encoded) {
    int j = 0;
    while (j < encoded.length) {
      int end = Math.min(encoded.length, j + SLICE);
      ensure(2 * (end - j));
      for (; j < end; j++) {
        escaped(encoded[j]);
      }
    }
  }

  /** Writes one byte, escaped as COPY text needs; the caller ensured room for two. */
  private void escaped(byte b) {
    switch (b) {
      case '\\' -> escape((byte) '\\');
      case '\n' -> escape((byte) 'n');
      case '\r' -> escape((byte) 'r');
      case '\t' -> escape((byte) 't');
      default -> chunk[size++] = b;
    }
  }

  private void escape(byte letter) {
    chunk[size++] = '\\';
    chunk[size++] = letter;
  }

  private void put(byte b) {
    ensure(1);
    chunk[size++] = b;
  }

  /** Room for {@code more} (at most {@link #CHUNK}) bytes in the current chunk. */
  private void ensure(int more) {
    if (size + more > CHUNK) {
      chunks.add(chunk);
      lengths.add(size);
      chunk = new byte[CHUNK];
      size = 0;
    }
  }

  /** Ends the current row. */
  CopyText endRow() {
    put((byte) '\n');
    rowStarted = false;
    return this;
  }

  /** The rows written so far, as sent to PostgreSQL (tests). */
  byte[] bytes() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    streams().forEach(stream -> all.writeBytes(stream.readAllBytes()));
    return all.toByteArray();
  }

  private List<ByteArrayInputStream> streams() {
    List<ByteArrayInputStream> streams = new ArrayList<>(chunks.size() + 1);
    for (int i = 0; i < chunks.size(); i++) {
      streams.add(new ByteArrayInputStream(chunks.get(i), 0, lengths.get(i)));
    }
    streams.add(new ByteArrayInputStream(chunk, 0, size));
    return streams;
  }

  /** Runs {@code COPY table (columns) FROM STDIN} on the handle's connection; returns rows. */
  long copyInto(Handle handle, String tableAndColumns) {
    try {
      PGConnection connection = handle.getConnection().unwrap(PGConnection.class);
      return connection
          .getCopyAPI()
          .copyIn(
              "COPY " + tableAndColumns + " FROM STDIN (ENCODING 'UTF8')",
              new SequenceInputStream(Collections.enumeration(streams())),
              CHUNK);
    } catch (SQLException | IOException e) {
      throw new JobwatchException("COPY into " + tableAndColumns + " failed", e);
    }
  }
}
