package io.jobwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * README.md's settings table against the code: every {@code JOBWATCH_*} variable the production
 * code reads has a row, every row names a variable the code reads, and a literal default in the
 * code is the one the row gives.
 */
class ReadmeSettingsTest {
  private static final Path ROOT = DeployFiles.repositoryRoot();
  private static final Pattern NAME = Pattern.compile("\"(JOBWATCH_[A-Z0-9_]+)\"");
  private static final Pattern ROW_NAME = Pattern.compile("`(JOBWATCH_[A-Z0-9_<>]+)`");

  /** Read by the code but deliberately without a row of their own. */
  private static final Set<String> NO_ROW =
      Set.of(
          // the prefix of JOBWATCH_KAFKA_<PROPERTY>
          "JOBWATCH_KAFKA_",
          // replaced by JOBWATCH_HISTORY_CACHE_MB; its row says consume warns about it
          "JOBWATCH_HISTORY_CACHE_JOBS");

  @Test
  @DisplayName("Every JOBWATCH_* variable the code reads has a README row, and every row is read")
  void tableAndCodeNameTheSameVariables() throws IOException {
    Set<String> read = new TreeSet<>();
    for (String module : List.of("consumer", "demo", "bench")) {
      for (String source : sources(ROOT.resolve(module).resolve("src/main/java"))) {
        Matcher m = NAME.matcher(source);
        while (m.find()) {
          String name = m.group(1);
          // JOBWATCH_KAFKA_<PROPERTY> values a command sets for itself (the bench's interceptor)
          if (!name.startsWith("JOBWATCH_KAFKA_") || name.equals("JOBWATCH_KAFKA_BOOTSTRAP")) {
            read.add(name);
          }
        }
      }
    }
    read.removeAll(NO_ROW);
    Map<String, String> rows = rows();
    Set<String> documented = new TreeSet<>(rows.keySet());
    documented.remove("JOBWATCH_KAFKA_<PROPERTY>");
    assertThat(documented).as("README settings table vs the code").isEqualTo(read);
  }

  @Test
  @DisplayName("A literal default in Settings is the default its README row gives")
  void literalDefaultsAreTheDocumentedOnes() throws IOException {
    String settings =
        Files.readString(ROOT.resolve("consumer/src/main/java/io/jobwatch/config/Settings.java"));
    Map<String, String> rows = rows();
    Pattern literal =
        Pattern.compile(
            "(?:getOrDefault|text|integer|duration|DurationRule)\\(\\s*(?:env,\\s*)?"
                + "\"(JOBWATCH_[A-Z0-9_]+)\",\\s*(\"[^\"]*\"|[0-9]+)[,)]");
    Matcher m = literal.matcher(settings);
    List<String> checked = new ArrayList<>();
    while (m.find()) {
      String name = m.group(1);
      String value = m.group(2).replace("\"", "");
      String row = rows.get(name);
      assertThat(row).as("row of " + name).isNotNull();
      assertThat(defaultsOf(row, name)).as("README default of " + name).contains(value);
      checked.add(name);
    }
    assertThat(checked)
        .contains(
            "JOBWATCH_HTTP_PORT",
            "JOBWATCH_STUCK_AFTER",
            "JOBWATCH_DB_URL",
            "JOBWATCH_RETAIN_EVENTS");
  }

  /** The default column's entry for a name, where a row lists several names and defaults. */
  private static String defaultsOf(String row, String name) {
    String[] cells = row.split("\\|");
    List<String> names = new ArrayList<>();
    Matcher n = ROW_NAME.matcher(cells[1]);
    while (n.find()) {
      names.add(n.group(1));
    }
    String[] defaults = cells[2].split(",");
    String value = defaults.length == names.size() ? defaults[names.indexOf(name)] : cells[2];
    return value.replace("`", "").strip();
  }

  /** The settings table's rows, by each variable their first cell names. */
  private static Map<String, String> rows() throws IOException {
    Map<String, String> rows = new LinkedHashMap<>();
    boolean inTable = false;
    for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
      if (line.startsWith("| variable | default | meaning |")) {
        inTable = true;
      } else if (inTable && !line.startsWith("|")) {
        break;
      } else if (inTable && line.startsWith("| `")) {
        Matcher m = ROW_NAME.matcher(line.split("\\|")[1]);
        while (m.find()) {
          rows.put(m.group(1), line);
        }
      }
    }
    assertThat(rows).as("README settings table").isNotEmpty();
    return rows;
  }

  private static List<String> sources(Path dir) throws IOException {
    List<String> texts = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return texts;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        texts.add(Files.readString(file));
      }
    }
    return texts;
  }
}
