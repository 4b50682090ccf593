package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Runs {@code jobwatch demo} in its own JVM: it starts its own embedded broker and database. */
class CliDemoIT {
  private static final Set<String> NOT_OK = Set.of("warning", "error", "fatal");

  @Test
  @DisplayName(
      "demo --duration 20s prints health tables in which some service is not ok, then stops")
  void demoShowsFailingServices() throws IOException, InterruptedException {
    Path output = Files.createTempFile("jobwatch-demo-", ".out");
    Process demo =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.jobwatch.demo.DemoMain",
                "demo",
                "--duration",
                "20s",
                "--interval",
                "3s",
                "--http-port",
                "0")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    boolean finished = demo.waitFor(180, TimeUnit.SECONDS);
    if (!finished) {
      demo.destroyForcibly();
    }
    String printed = Files.readString(output, StandardCharsets.UTF_8);

    assertThat(finished).as("demo ended by itself; output:%n%s", printed).isTrue();
    assertThat(demo.exitValue()).as(printed).isZero();
    assertThat(printed).contains("=== jobwatch demo", "demo stopped");
    assertThat(serviceRows(printed))
        .as(printed)
        .anySatisfy(row -> assertThat(NOT_OK).contains(row[1]));
    assertThat(printed).contains("dead letters: 1");
  }

  /** The rows of every service health table: SERVICE, HEALTH, … split on runs of spaces. */
  private static List<String[]> serviceRows(String printed) {
    List<String[]> rows = new ArrayList<>();
    boolean inTable = false;
    for (String line : printed.lines().toList()) {
      if (line.startsWith("SERVICE") && line.contains("HEALTH") && line.contains("LAST ERROR")) {
        inTable = true;
      } else if (line.isBlank()) {
        inTable = false;
      } else if (inTable) {
        rows.add(line.split("\\s{2,}"));
      }
    }
    return rows;
  }
}
