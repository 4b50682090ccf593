package io.jobwatch.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoMainTest {
  @Test
  @DisplayName(
      "jobwatch-demo.jar --help lists demo and publish-demo beside every production command")
  void helpListsTheDemoCommandsAndEveryProductionCommand() {
    CommandLine commandLine = DemoMain.commandLine(Map.of());
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out));

    int exit = commandLine.execute("--help");

    assertThat(exit).isZero();
    for (String command :
        List.of(
            "demo",
            "publish-demo",
            "consume",
            "migrate",
            "status",
            "job",
            "monitors",
            "dead-letters",
            "emit",
            "run",
            "spool",
            "retention")) {
      assertThat(out.toString()).containsPattern("(?m)^  " + command + " ");
    }
  }
}
