package io.jobwatch.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The "never" column of docs/architecture.md's import table, checked on the sources: a package (and
 * its subpackages) must not import these prefixes. Reads the import lines of src/main/java, so a
 * forbidden import fails the build before review.
 */
class ImportRulesTest {
  private static final Path SOURCES = Path.of("src/main/java/io/jobwatch");

  @ParameterizedTest(name = "{0} never imports {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "core     | org.apache.kafka. org.jdbi. java.sql. io.micrometer. com.fasterxml.jackson."
            + " io.jobwatch.contract. io.jobwatch.pipeline. io.jobwatch.store. io.jobwatch.kafka."
            + " io.jobwatch.metrics. io.jobwatch.app. io.jobwatch.cli. io.jobwatch.config.",
        "core.stage   | io.jobwatch.core.job. io.jobwatch.core.monitor.",
        "core.monitor | io.jobwatch.core.job. io.jobwatch.core.stage.",
        "contract | org.apache.kafka. org.jdbi. java.sql. io.micrometer. io.jobwatch.pipeline."
            + " io.jobwatch.store. io.jobwatch.kafka. io.jobwatch.metrics. io.jobwatch.app."
            + " io.jobwatch.cli.",
        "pipeline | org.apache.kafka. io.micrometer. io.jobwatch.kafka. io.jobwatch.metrics."
            + " io.jobwatch.app. io.jobwatch.cli.",
        "store    | org.apache.kafka. io.micrometer. io.jobwatch.pipeline. io.jobwatch.kafka."
            + " io.jobwatch.metrics. io.jobwatch.app. io.jobwatch.cli.",
        "kafka    | io.micrometer. io.jobwatch.metrics. io.jobwatch.app. io.jobwatch.cli.",
        "metrics  | io.jobwatch.app. io.jobwatch.cli. io.jobwatch.pipeline.BatchWriter",
      })
  void packageNeverImports(String pkg, String forbidden) throws IOException {
    Path root = SOURCES.resolve(pkg.replace('.', '/'));
    assertThat(root).isDirectory();
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(file -> file.toString().endsWith(".java"))
          .forEach(file -> violations.addAll(violations(file, forbidden.split("\\s+"))));
    }
    assertThat(violations).as("imports docs/architecture.md forbids").isEmpty();
  }

  private static List<String> violations(Path file, String[] forbidden) {
    List<String> found = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String trimmed = line.strip();
        if (!trimmed.startsWith("import ")) {
          continue;
        }
        String imported = trimmed.substring("import ".length()).replace("static ", "");
        for (String prefix : forbidden) {
          if (imported.startsWith(prefix)) {
            found.add(SOURCES.relativize(file) + ": " + trimmed);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }
}
