package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Which command lines start their command before the parser (issue 12.5): only plain ones, and the
 * parser accepts every one of them with the same command (checked against picocli's own parse of
 * the same arguments).
 */
class EarlyRunTest {
  /** Where a run of these tests would spool, if one ever ran its command to the end. */
  @TempDir static Path spool;

  /** A broker nothing answers at: the early publisher connects in the background, in vain. */
  private static Map<String, String> unreachable;

  @BeforeAll
  static void environment() {
    unreachable =
        Map.of("JOBWATCH_KAFKA_BOOTSTRAP", "127.0.0.1:9", "JOBWATCH_SPOOL_DIR", spool.toString());
  }

  /** EarlyRun holds what main started in static fields: each test starts from nothing. */
  @AfterEach
  void forgetWhatWasStarted() {
    EarlyRun.forget();
  }

  /** What picocli makes of {@code args}: the oracle for the early parse. */
  private static RunCommand.Options parsed(String... args) {
    RunCommand run =
        JobwatchCommand.commandLine()
            .parseArgs(args)
            .subcommand()
            .commandSpec()
            .commandLine()
            .getCommand();
    return new RunCommand.Options(run.monitor, run.service, run.runner, run.mode, run.command);
  }

  @Test
  void plainCommandLinesStartEarlyWithTheCommandTheParserSees() throws Exception {
    // An argument naming a file with @ is the command's, as typed (picocli would read the file).
    Path body = Files.writeString(spool.resolve("body.json"), "--not-the-argument");
    List<String[]> plain =
        List.of(
            new String[] {"run", "--monitor", "m", "--", "curl", "-d", "@" + body, "http://x"},
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
      RunCommand.Options early = EarlyRun.plain(args);
      assertThat(early).as(String.join(" ", args)).isNotNull().isEqualTo(parsed(args));
      assertThat(EarlyRun.plainCommand(args)).isEqualTo(early.command());
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
            new String[] {"run", "--monitor", "a", "--monitor=b", "--", "true"}, // given twice
            new String[] {"emit", "--monitor", "m", "--", "true"},
            new String[] {"run"},
            new String[] {});
    for (String[] args : other) {
      assertThat(EarlyRun.plainCommand(args)).as(String.join(" ", args)).isNull();
    }
    assertThatThrownBy(() -> parsed("run", "--monitor", "a", "--monitor=b", "--", "true"))
        .as("the parser's verdict on an option given twice")
        .isInstanceOf(CommandLine.ParameterException.class);
  }

  @Test
  void onlyACommandMainStartedRunsWithoutTheParser() {
    String[] args = {"run", "--monitor", "m", "--", "true"};
    PrintWriter err = new PrintWriter(new StringWriter());
    assertThat(RunCommand.runIfStartedEarly(args, unreachable, err))
        .as("nothing started: picocli parses it")
        .isNull();

    EarlyRun.startIfPlain(new String[] {"run", "--monitor", "m", "--", "false"}, unreachable);
    assertThat(RunCommand.runIfStartedEarly(args, unreachable, err))
        .as("another command was started")
        .isNull();
  }

  @Test
  void aRunWithMalformedSettingsStillPassesTheCommandsExitCodeThrough() {
    Map<String, String> malformed =
        Map.of("JOBWATCH_HTTP_PORT", "not-a-port", "JOBWATCH_SPOOL_DIR", spool.toString());
    String[] args = {"run", "--monitor", "m", "--", "sh", "-c", "exit 3"};
    StringWriter parserErr = new StringWriter();
    StringWriter earlyErr = new StringWriter();

    int parsed =
        io.jobwatch.Main.execute(
            args, malformed, new PrintWriter(new StringWriter()), new PrintWriter(parserErr));
    EarlyRun.startIfPlain(args, malformed);
    Integer early = RunCommand.runIfStartedEarly(args, malformed, new PrintWriter(earlyErr));

    assertThat(parsed).isEqualTo(3);
    assertThat(early).isEqualTo(3);
    for (StringWriter err : List.of(parserErr, earlyErr)) {
      assertThat(err.toString())
          .startsWith("jobwatch run: not reporting: JOBWATCH_HTTP_PORT must be a whole number")
          .doesNotContain("Exception");
    }
  }

  @Test
  void aRunWithAZeroRetentionInItsEnvironmentStillPassesTheCommandsExitCodeThrough() {
    // An environment file shared with the consumer; the consumer itself refuses P0D at start.
    Map<String, String> zero =
        Map.of("JOBWATCH_RETAIN_EVENTS", "P0D", "JOBWATCH_SPOOL_DIR", spool.toString());
    String[] args = {"run", "--monitor", "m", "--", "sh", "-c", "exit 3"};
    StringWriter parserErr = new StringWriter();
    StringWriter earlyErr = new StringWriter();

    int parsed =
        io.jobwatch.Main.execute(
            args, zero, new PrintWriter(new StringWriter()), new PrintWriter(parserErr));
    EarlyRun.startIfPlain(args, zero);
    Integer early = RunCommand.runIfStartedEarly(args, zero, new PrintWriter(earlyErr));

    assertThat(parsed).isEqualTo(3);
    assertThat(early).isEqualTo(3);
    for (StringWriter err : List.of(parserErr, earlyErr)) {
      assertThat(err.toString())
          .startsWith(
              "jobwatch run: not reporting: JOBWATCH_RETAIN_EVENTS must be above zero, not PT0S")
          .doesNotContain("Exception");
    }
  }

  @Test
  void theRunCommandTakesTheEarlyProcessOnlyForItsOwnCommand() throws Exception {
    EarlyRun.startIfPlain(new String[] {"run", "--monitor", "m", "--", "true"}, unreachable);
    assertThat(EarlyRun.take(List.of("false"))).isNull();
    EarlyRun.Taken taken = EarlyRun.take(List.of("true"));
    assertThat(taken).isNotNull();
    assertThat(taken.started().process().waitFor()).isZero();
    assertThat(EarlyRun.take(List.of("true"))).as("handed over once").isNull();
  }

  @Test
  void theRunCommandTakesTheEarlyPublisherOnlyForTheSameEnvironment() {
    String[] args = {"run", "--monitor", "m", "--", "true"};
    EarlyRun.startIfPlain(args, unreachable);
    try (EventPublisher taken = EarlyRun.takePublisher(Map.copyOf(unreachable))) {
      assertThat(taken).isNotNull();
    }
    assertThat(EarlyRun.takePublisher(unreachable)).as("handed over once").isNull();

    EarlyRun.startIfPlain(args, unreachable);
    assertThat(EarlyRun.takePublisher(Map.of("JOBWATCH_KAFKA_BOOTSTRAP", "127.0.0.1:10")))
        .as("configured from another environment")
        .isNull();
    assertThat(EarlyRun.takePublisher(unreachable)).as("dropped, not kept for later").isNull();
  }

  @Test
  void noPublisherIsMadeForOtherCommandLinesOrMalformedSettings() {
    EarlyRun.startIfPlain(new String[] {"run", "--help"}, unreachable);
    assertThat(EarlyRun.takePublisher(unreachable)).isNull();

    Map<String, String> malformed = Map.of("JOBWATCH_HTTP_PORT", "not-a-port");
    EarlyRun.startIfPlain(new String[] {"run", "--monitor", "m", "--", "true"}, malformed);
    assertThat(EarlyRun.takePublisher(malformed)).isNull();
    assertThat(EarlyRun.take(List.of("true"))).as("the command itself still started").isNotNull();
  }
}
