package io.jobwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The COPY text CopyText writes, against the format's rules written out the simple way. */
class CopyTextTest {
  /** PostgreSQL's COPY text format, per its documentation: escape \ newline CR tab; UTF-8. */
  private static String reference(Object... values) {
    StringBuilder row = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        row.append('\t');
      }
      if (values[i] == null) {
        row.append("\\N");
      } else {
        row.append(
            values[i]
                .toString()
                .replace("\\", "\\\\")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
                .replace("\t", "\\t"));
      }
    }
    return row.append('\n').toString();
  }

  /** Appends {@code row} to {@code text} as one row. */
  private static CopyText write(CopyText text, Object[] row) {
    for (Object value : row) {
      text.value(value);
    }
    return text.endRow();
  }

  private static String written(CopyText text) {
    return new String(text.bytes(), StandardCharsets.UTF_8);
  }

  private static String randomText(Random random, int[] alphabet, int length) {
    StringBuilder value = new StringBuilder();
    while (value.length() < length) {
      value.appendCodePoint(alphabet[random.nextInt(alphabet.length)]);
    }
    return value.toString();
  }

  @Test
  void writesRowsAsTheFormatSays() {
    Object[] row = {
      "plain",
      null,
      "tab\there",
      "a\\b",
      "line\nbreak\r",
      42L,
      Instant.parse("2026-11-29T18:00:00Z"),
      "{\"message\":\"Überlauf ✓ \\u0000 𝄞\"}",
      ""
    };
    assertThat(written(write(new CopyText(), row))).isEqualTo(reference(row));
  }

  @Test
  void randomTextRoundTripsThroughTheEscapes() {
    Random random = new Random(7);
    int[] alphabet = "ab\\\t\n\r{}\"é✓𝄞 ".codePoints().toArray();
    for (int run = 0; run < 2_000; run++) {
      Object[] row = new Object[1 + random.nextInt(4)];
      for (int i = 0; i < row.length; i++) {
        String value = randomText(random, alphabet, random.nextInt(40));
        row[i] = random.nextInt(10) == 0 ? null : value;
      }
      assertThat(written(write(new CopyText(), row))).isEqualTo(reference(row));
    }
  }

  @Test
  void rowsAndValuesLongerThanAChunkAreWrittenWhole() {
    Random random = new Random(11);
    int[] alphabet = "abc\\\t\n{}\"é✓𝄞 ".codePoints().toArray();
    StringBuilder expected = new StringBuilder();
    CopyText text = new CopyText();
    for (int rowIndex = 0; rowIndex < 300; rowIndex++) {
      Object[] row = new Object[3];
      for (int i = 0; i < row.length; i++) {
        // Mostly short values, now and then one of up to three chunks, escapes and all.
        int length = random.nextInt(20) == 0 ? random.nextInt(3 * CopyText.CHUNK) : 700;
        row[i] = randomText(random, alphabet, length);
      }
      write(text, row);
      expected.append(reference(row));
    }
    assertThat(text.bytes().length).isGreaterThan(4 * CopyText.CHUNK);
    assertThat(written(text)).isEqualTo(expected.toString());
  }
}
