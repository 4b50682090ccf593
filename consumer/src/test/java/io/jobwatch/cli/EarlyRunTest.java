package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which command lines start their command before the parser (issue 12.5): only plain ones, and the
 * parser accepts every one of them with the same command (checked against picocli's own parse of
 * the same arguments).
 */
class EarlyRunTest {
  private static List<String> parsed(String... args) {
    RunCommand run =
        JobwatchCommand.commandLine()
            .parseArgs(args)
            .subcommand()
            .commandSpec()
            .commandLine()
            .getCommand();
    return run.command;
  }

  @Test
  void plainCommandLinesStartEarlyWithTheCommandTheParserSees() {
    List<String[]> plain =
        List.of(
            new String[] {"run", "--monitor", "nightly", "--", "/bin/backup.sh", "-x", "--", "y"},
            new String[] {"run", "--monitor=nightly", "--", "true"},
            new String[] {
              "run",
              "--service",
              "etl",
              "--runner=cron",
              "--mode",
              "binary",
              "--monitor",
              "m",
              "--",
              "sh",
              "-c",
              "exit 3"
            },
            new String[] {"run", "--mode=structured", "--monitor", "m", "--", "--weird-name"});
    for (String[] args : plain) {
      List<String> early = EarlyRun.plainCommand(args);
      assertThat(early).as(String.join(" ", args)).isNotNull().isEqualTo(parsed(args));
    }
  }

  @Test
  void anythingElseGoesTheOrdinaryWay() {
    List<String[]> other =
        List.of(
            new String[] {"run", "--", "true"}, // no monitor: the parser rejects it
            new String[] {"run", "--monitor", "m", "true"}, // no "--"
            new String[] {"run", "--monitor", "m", "--"}, // no command
            new String[] {"run", "--help", "--", "true"},
            new String[] {"run", "--monitr", "m", "--", "true"},
            new String[] {"run", "--monitor", "--", "true"},
            new String[] {"run", "--monitor", "m", "--mode", "BINARY", "--", "true"},
            new String[] {"run", "--monitor", "m", "--mode", "json", "--", "true"},
            new String[] {"run", "--monitor", "", "--", "true"},
            new String[] {"emit", "--monitor", "m", "--", "true"},
            new String[] {"run"},
            new String[] {});
    for (String[] args : other) {
      assertThat(EarlyRun.plainCommand(args)).as(String.join(" ", args)).isNull();
    }
  }

  @Test
  void theRunCommandTakesTheEarlyProcessOnlyForItsOwnCommand() throws Exception {
    EarlyRun.startIfPlain(new String[] {"run", "--monitor", "m", "--", "true"});
    assertThat(EarlyRun.take(List.of("false"))).isNull();
    EarlyRun.Taken taken = EarlyRun.take(List.of("true"));
    assertThat(taken).isNotNull();
    assertThat(taken.started().process().waitFor()).isZero();
    assertThat(EarlyRun.take(List.of("true"))).as("handed over once").isNull();
  }
}
