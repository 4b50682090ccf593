package io.jobwatch.cli;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command of {@code jobwatch run} with its arguments' bytes as cron gave them. The JVM decodes
 * its arguments in the locale's charset and {@link ProcessBuilder} encodes them again in it: under
 * cron's environment (no {@code LANG}: ASCII) a {@code café} or a Latin-1 file name became {@code
 * caf??}, another argument than the line's. Where that happened the command is started through
 * {@code /bin/sh}, whose script is ASCII and rebuilds each argument from its octal bytes, read from
 * {@code /proc/self/cmdline}, then {@code exec}s it (same process, same exit codes 126 and 127 for
 * a command it cannot start). Stateless.
 */
final class RawArguments {
  private static final Path CMDLINE = Path.of("/proc/self/cmdline");

  private RawArguments() {}

  /** What to hand to {@link ProcessBuilder} so that the command gets {@code command}'s bytes. */
  static List<String> startable(List<String> command) {
    if (command.stream().allMatch(RawArguments::plain)) {
      return command;
    }
    List<byte[]> raw = rawTail(command);
    if (raw == null || survives(raw, command)) {
      return command;
    }
    // The x keeps the trailing newlines a command substitution would strip.
    StringBuilder script = new StringBuilder();
    StringBuilder arguments = new StringBuilder("set --");
    for (int i = 0; i < raw.size(); i++) {
      script.append("a").append(i).append("=$(printf '").append(octal(raw.get(i))).append("x')\n");
      arguments.append(" \"${a").append(i).append("%x}\"");
    }
    script.append(arguments).append("\nexec \"$@\"\n");
    return List.of("/bin/sh", "-c", script.toString());
  }

  /** ASCII without '?' (what the JVM decodes a byte it cannot read to, once encoded again). */
  private static boolean plain(String argument) {
    return argument.chars().allMatch(c -> c < 0x80 && c != '?');
  }

  /**
   * The last {@code command.size()} arguments of this process as bytes, if they are the ones the
   * JVM decoded into {@code command}; null otherwise (another platform, a launcher that changed
   * them).
   */
  private static List<byte[]> rawTail(List<String> command) {
    byte[] content;
    try {
      content = Files.readAllBytes(CMDLINE);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    List<byte[]> arguments = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < content.length; i++) {
      if (content[i] == 0) {
        arguments.add(Arrays.copyOfRange(content, start, i));
        start = i + 1;
      }
    }
    if (arguments.size() < command.size()) {
      return null;
    }
    List<byte[]> tail = arguments.subList(arguments.size() - command.size(), arguments.size());
    Charset charset = jnuCharset();
    for (int i = 0; i < tail.size(); i++) {
      if (!new String(tail.get(i), charset).equals(command.get(i))) {
        return null;
      }
    }
    return tail;
  }

  /** Whether {@link ProcessBuilder} would pass each argument's bytes unchanged. */
  private static boolean survives(List<byte[]> raw, List<String> command) {
    for (int i = 0; i < raw.size(); i++) {
      String argument = command.get(i);
      if (!Arrays.equals(raw.get(i), argument.getBytes(Charset.defaultCharset()))
          || !Arrays.equals(raw.get(i), argument.getBytes(jnuCharset()))) {
        return false;
      }
    }
    return true;
  }

  private static Charset jnuCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding"));
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }

  /** {@code bytes} as printf's {@code \ooo} escapes, every byte (ASCII text for the script). */
  private static String octal(byte[] bytes) {
    StringBuilder escaped = new StringBuilder(bytes.length * 4);
    for (byte b : bytes) {
      String digits = Integer.toOctalString(b & 0xff);
      escaped.append('\\').append("000", digits.length(), 3).append(digits);
    }
    return escaped.toString();
  }
}
