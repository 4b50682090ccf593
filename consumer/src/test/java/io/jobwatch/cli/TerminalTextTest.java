package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a publisher's text looks like on the operator's terminal. */
class TerminalTextTest {
  @Test
  void controlCharactersAreEscapes() {
    assertThat(TerminalText.of("a\u001b[2Jb\u0007\n\t\r\u007f\u009b"))
        .isEqualTo("a\\u001b[2Jb\\u0007\\n\\t\\r\\u007f\\u009b");
    assertThat(TerminalText.keepingLines("a\u001b\n\tb")).isEqualTo("a\\u001b\n\tb");
    assertThat(TerminalText.of(null)).isNull();
  }

  @Test
  void rightToLeftTextStaysButBidiOverridesAreEscapes() {
    // Hebrew and Arabic as they are; an override that would show "exe.gnp" as "png.exe" is not.
    assertThat(TerminalText.of("שגיאה: לא נמצא خطأ 🔥")).isEqualTo("שגיאה: לא נמצא خطأ 🔥");
    assertThat(TerminalText.of("file \u202Egnp.exe")).isEqualTo("file \\u202egnp.exe");
    assertThat(TerminalText.of("\u2066x\u2069 \u202Ay\u202C"))
        .isEqualTo("\\u2066x\\u2069 \\u202ay\\u202c");
  }
}
