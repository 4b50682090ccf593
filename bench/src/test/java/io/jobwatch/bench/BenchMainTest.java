package io.jobwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchMainTest {

  /** docs/performance.md tells readers to run `bench --help` for the options. */
  @Test
  void benchHelpListsItsOptions() {
    CommandLine commandLine = BenchMain.commandLine(Map.of());
    StringWriter out = new StringWriter();
    commandLine.setOut(new PrintWriter(out));
    int exit = commandLine.execute("bench", "--help");
    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("--events", "--contenders", "--instances", "--heartbeats", "--latency-seconds");
  }
}
