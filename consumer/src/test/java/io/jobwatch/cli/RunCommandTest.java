package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobwatch run} as a cron wrapper (docs/publishing.md): what the command's standard error
 * gets, when job.finished says the command ended, and the signal mask the command starts with.
 */
class RunCommandTest {
  @TempDir Path dir;

  private final JobwatchRunJvm jvm = new JobwatchRunJvm();

  @AfterEach
  void cleanUp() {
    EarlyRun.forget();
    jvm.close();
  }

  /** The command writes BEGIN, sleeps 3 s (Kafka refuses ~15 connections meanwhile), writes END. */
  private static final List<String> COMMAND =
      List.of("sh", "-c", "echo BEGIN >&2; sleep 3; echo END >&2");

  private void assertNothingButTheCommandWritesWhileItRuns(List<String> jobwatchArgs)
      throws Exception {
    Path err = dir.resolve("err");
    Process jobwatch = jvm.start(dir.resolve("spool"), err, jobwatchArgs);
    assertThat(jobwatch.waitFor(60, TimeUnit.SECONDS)).isTrue();

    List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8);
    int begin = lines.indexOf("BEGIN");
    int end = lines.indexOf("END");
    assertThat(begin).as(String.join("\n", lines)).isZero();
    assertThat(lines.subList(begin + 1, end))
        .as("stderr passes through unchanged; run's own messages come after the command ended")
        .isEmpty();
    assertThat(lines.subList(end + 1, lines.size()))
        .as("run's own summary, after the command")
        .anySatisfy(line -> assertThat(line).startsWith("jobwatch run: ").contains("spooled 3"))
        .noneSatisfy(line -> assertThat(line).contains("WARN"));
  }

  @Test
  void nothingButTheCommandWritesToStderrWhileTheCommandRuns() throws Exception {
    List<String> args = new ArrayList<>(List.of("run", "--monitor", "audit", "--"));
    args.addAll(COMMAND);
    assertNothingButTheCommandWritesWhileItRuns(args);
  }

  @Test
  void nothingButTheCommandWritesToStderrWhileTheSpoolIsFlushedEither() throws Exception {
    // A spool to flush first: the sender asks the broker about its topic (an admin client of its
    // own) before the producer is made (the parser's path connects no producer early).
    new Spool(dir.resolve("spool"), notice -> {})
        .append(List.of(new OutgoingRecord("jobwatch.lifecycle", "k1", "{\"n\":1}")));
    List<String> args =
        new ArrayList<>(List.of("run", "--mode", "BINARY", "--monitor", "audit", "--"));
    args.addAll(COMMAND);
    assertNothingButTheCommandWritesWhileItRuns(args);
  }

  @Test
  void nothingButTheCommandWritesToStderrOnTheParsersPathEither() throws Exception {
    // --mode BINARY is not a plain line (EarlyRun): picocli reads it and RunCommand starts it.
    List<String> args =
        new ArrayList<>(List.of("run", "--mode", "BINARY", "--monitor", "audit", "--"));
    args.addAll(COMMAND);
    assertNothingButTheCommandWritesWhileItRuns(args);
  }

  @Test
  void theFinishTimeIsWhenTheCommandEndedNotWhenJobwatchLookedAtIt() throws Exception {
    Path spool = dir.resolve("spool");
    Map<String, String> environment =
        Map.of(
            "JOBWATCH_KAFKA_BOOTSTRAP",
            JobwatchRunJvm.NOBODY,
            "JOBWATCH_SPOOL_DIR",
            spool.toString());
    String[] args = {"run", "--monitor", "audit", "--", "true"};

    EarlyRun.startIfPlain(args, environment); // main: the command starts at once
    // main meanwhile loads Jackson, the contract and Kafka's producer (0.3 s measured, more on a
    // loaded host)
    Thread.sleep(1_500);
    Integer code =
        RunCommand.runIfStartedEarly(args, environment, new PrintWriter(new StringWriter()));
    assertThat(code).isZero();

    Instant started = null;
    Instant finished = null;
    for (JsonNode event : JobwatchRunJvm.spooled(spool)) {
      Instant time = Instant.parse(event.path("time").asText());
      switch (event.path("type").asText()) {
        case "job.started" -> started = time;
        case "job.finished" -> finished = time;
        default -> {}
      }
    }
    assertThat(started).isNotNull();
    assertThat(finished).isNotNull();
    assertThat(Duration.between(started, finished))
        .as("`true` ran for milliseconds; the reported run time feeds min_runtime and durations")
        .isLessThan(Duration.ofMillis(500));
    assertThat(RunSignals.installed()).as("the JVM's own handlers are back").isFalse();
  }

  /**
   * docs/publishing.md, "Signals": the JDK before 20 starts child processes with SIGQUIT blocked
   * (JDK-8234262); from 20 on nothing is blocked. No other signal is blocked on either.
   */
  @Test
  void theCommandStartsWithTheSignalMaskDocumentedForThisJdk() throws Exception {
    Path status = dir.resolve("status");
    Process jobwatch =
        jvm.run(
            dir.resolve("spool"),
            dir.resolve("err"),
            "cp",
            "/proc/self/status", // cp's own status: a program started directly, as cron lines do
            status.toString());
    assertThat(jobwatch.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(jobwatch.exitValue()).isZero();
    String blocked =
        Files.readAllLines(status).stream()
            .filter(l -> l.startsWith("SigBlk:"))
            .findFirst()
            .orElseThrow()
            .substring("SigBlk:".length())
            .strip();
    long mask = Long.parseUnsignedLong(blocked, 16);
    long sigquit = 1L << (3 - 1);
    assertThat(mask & ~sigquit).as("nothing but SIGQUIT blocked").isZero();
    if (Runtime.version().feature() >= 20) {
      assertThat(mask).as("JDK-8234262 fixed").isZero();
    }
  }

  /**
   * docs/publishing.md: without JOBWATCH_SPOOL_DIR the spool is ~/.jobwatch/spool, ~ being the HOME
   * cron (or the crontab's HOME= line, or a container) gives the line, as for a shell; not the
   * password database's home, which JDK 17 reads instead (for a user it does not know, "?": a spool
   * relative to the working directory, which the next run from elsewhere never flushes).
   */
  @Test
  void aCronRunWithoutASpoolDirectorySpoolsInItsHome() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    Map<String, String> cron =
        Map.of(
            "PATH",
            "/usr/bin:/bin",
            "SHELL",
            "/bin/sh",
            "HOME",
            home.toString(),
            "JOBWATCH_KAFKA_BOOTSTRAP",
            JobwatchRunJvm.NOBODY);
    Process jobwatch =
        jvm.startAsCron(
            cron, dir.resolve("err"), List.of("run", "--monitor", "audit", "--", "true"));
    assertThat(jobwatch.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(jobwatch.exitValue()).isZero();
    assertThat(JobwatchRunJvm.spooledTypes(home.resolve(".jobwatch").resolve("spool")))
        .as(Files.readString(dir.resolve("err")))
        .containsExactly("job.submitted", "job.started", "job.finished");
  }

  /**
   * docs/publishing.md: the command gets its arguments unchanged, as under cron alone, also
   * non-ASCII ones (a UTF-8 "café", a Latin-1 file name) in cron's environment, which sets no LANG:
   * the JVM, reading them in the locale's charset (ASCII), handed the command "caf??".
   */
  @Test
  void theCommandGetsItsArgumentsBytesUnchangedWithoutALocale() throws Exception {
    Path out = dir.resolve("out");
    Path line = dir.resolve("line.sh");
    // The crontab line as /bin/sh runs it, written in ASCII: the arguments' bytes come from printf.
    Files.writeString(
        line,
        "exec \"$1\" -cp \"$2\" io.jobwatch.Main run --monitor audit --"
            + " /bin/sh -c 'printf \"%s|%s\" \"$1\" \"$2\" > \"$3\"' sh"
            + " \"$(printf 'caf\\303\\251')\" \"$(printf 'r\\351sum\\351 ?')\" \"$3\"\n",
        StandardCharsets.US_ASCII);
    ProcessBuilder cron =
        new ProcessBuilder(
            "/bin/sh",
            line.toString(),
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            java.util.Optional.ofNullable(System.getProperty("surefire.test.class.path"))
                .orElse(System.getProperty("java.class.path")),
            out.toString());
    cron.environment().clear();
    cron.environment()
        .putAll(
            Map.of(
                "PATH",
                "/usr/bin:/bin",
                "SHELL",
                "/bin/sh",
                "HOME",
                dir.toString(),
                "JOBWATCH_KAFKA_BOOTSTRAP",
                JobwatchRunJvm.NOBODY,
                "JOBWATCH_SPOOL_DIR",
                dir.resolve("spool").toString()));
    cron.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    cron.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    cron.redirectError(dir.resolve("err").toFile());
    Process jobwatch = cron.start();
    try {
      assertThat(jobwatch.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      jobwatch.destroyForcibly();
    }

    assertThat(jobwatch.exitValue()).as(Files.readString(dir.resolve("err"))).isZero();
    byte[] expected = {
      'c',
      'a',
      'f',
      (byte) 0xc3,
      (byte) 0xa9,
      '|',
      'r',
      (byte) 0xe9,
      's',
      'u',
      'm',
      (byte) 0xe9,
      ' ',
      '?'
    };
    assertThat(new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1))
        .isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
    assertThat(JobwatchRunJvm.spooled(dir.resolve("spool")))
        .extracting(event -> event.path("data").path("exit_code").asText())
        .containsExactly("", "", "0");
  }

  /**
   * Without "--", options end at the command, as for timeout, nice, env or sudo: the command's own
   * options (-c, --full, even a --service of its own) are its arguments, not run's. Before, the
   * parser refused them and the cron job never ran (exit 2, nothing reported), or took them as
   * run's.
   */
  @Test
  void withoutDoubleDashTheCommandsOwnOptionsAreItsArguments() throws Exception {
    Path spool = dir.resolve("spool");
    Process jobwatch =
        jvm.start(
            spool,
            dir.resolve("err"),
            List.of(
                "run",
                "--monitor",
                "audit",
                "sh",
                "-c",
                "exit $#",
                "sh",
                "--full",
                "--service",
                "x"));
    assertThat(jobwatch.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(jobwatch.exitValue()).as(Files.readString(dir.resolve("err"))).isEqualTo(3);
    List<JsonNode> events = JobwatchRunJvm.spooled(spool);
    assertThat(events)
        .extracting(event -> event.path("type").asText())
        .containsExactly("job.submitted", "job.started", "job.finished");
    assertThat(events.get(0).path("data").path("service").asText()).isEqualTo("cron");
    assertThat(events.get(2).path("data").path("exit_code").asInt()).isEqualTo(3);
  }
}
