package io.jobwatch.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code blocks of a Markdown file marked for testing: a line {@code <!-- snippet-test: NAME -->}
 * directly before a fenced block names it. Immutable once read.
 */
final class DocSnippets {
  private static final Pattern MARK = Pattern.compile("^<!-- snippet-test: ([a-z0-9-]+) -->$");

  private final Map<String, String> byName;

  private DocSnippets(Map<String, String> byName) {
    this.byName = byName;
  }

  static DocSnippets read(Path markdown) throws IOException {
    List<String> lines = Files.readAllLines(markdown);
    Map<String, String> byName = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher mark = MARK.matcher(lines.get(i).strip());
      if (!mark.matches()) {
        continue;
      }
      if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith("```")) {
        throw new AssertionError(
            markdown + " line " + (i + 1) + ": a snippet-test mark must precede a ``` fence");
      }
      StringBuilder code = new StringBuilder();
      int line = i + 2;
      while (line < lines.size() && !lines.get(line).startsWith("```")) {
        code.append(lines.get(line)).append('\n');
        line++;
      }
      if (line >= lines.size()) {
        throw new AssertionError(markdown + ": the snippet " + mark.group(1) + " is not closed");
      }
      if (byName.put(mark.group(1), code.toString()) != null) {
        throw new AssertionError(markdown + ": two snippets named " + mark.group(1));
      }
      i = line;
    }
    return new DocSnippets(byName);
  }

  /** The code of the snippet {@code name}, or an assertion error naming the ones there are. */
  String code(String name) {
    String code = byName.get(name);
    if (code == null) {
      throw new AssertionError("no snippet-test " + name + "; there are " + byName.keySet());
    }
    return code;
  }
}
