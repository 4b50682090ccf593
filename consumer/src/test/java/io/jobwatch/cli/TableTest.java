package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Table cells: whitespace runs collapse to one space, checked against the plain regex rule. */
class TableTest {
  /** The rule as the docs state it, written the obvious way. */
  private static String reference(String text) {
    String cell = text.replaceAll("\\s+", " ").strip();
    if (cell.isEmpty()) {
      return "-";
    }
    return cell.length() > 60 ? cell.substring(0, 59) + "…" : cell;
  }

  private static String rendered(String text) {
    StringWriter out = new StringWriter();
    new Table("A").row(text).print(new PrintWriter(out));
    return out.toString().lines().skip(1).findFirst().orElseThrow();
  }

  @Test
  void cellsMatchTheRegexRuleOnRandomWhitespace() {
    char[] alphabet = {'a', 'b', ' ', ' ', '\t', '\n', '\r', '\f', '\u000B', '\u2028', 'é'};
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(80);
      for (int j = 0; j < length; j++) {
        text.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String input = text.toString();
      assertThat(rendered(input))
          .as("%s", input.chars().boxed().toList())
          .isEqualTo(reference(input).stripTrailing());
    }
  }

  @Test
  void controlCharactersOtherThanWhitespaceAreShownAsEscapes() {
    assertThat(rendered("a\u001b[31mred\u0007 \u007f\u009b1m\u0000"))
        .isEqualTo("a\\u001b[31mred\\u0007 \\u007f\\u009b1m\\u0000");
  }

  @Test
  void aLongCellIsCutBetweenCharactersNotInsideOne() {
    String emoji = "\uD83D\uDD25"; // U+1F525, two UTF-16 units
    String text = "x".repeat(58) + emoji + " more";

    String cell = rendered(text);

    assertThat(cell).isEqualTo("x".repeat(58) + "…");
    assertThat(rendered("x".repeat(57) + emoji + " more")).isEqualTo("x".repeat(57) + emoji + "…");
  }

  @Test
  void nullAndBlankAreADash() {
    assertThat(rendered(" \t ")).isEqualTo("-");
    StringWriter out = new StringWriter();
    new Table("A", "B").row(null, "x").print(new PrintWriter(out));
    assertThat(out.toString().lines().skip(1).findFirst().orElseThrow()).isEqualTo("-  x");
  }
}
