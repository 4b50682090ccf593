package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals sent to {@code jobwatch run} itself (docs/publishing.md, "Signals"): SIGTERM is forwarded
 * to the command, SIGINT and SIGHUP do not end the wrapper, and in every case the run is reported
 * with the command's own status, which is also the wrapper's exit code. Real {@code jobwatch run}
 * JVMs against a broker that refuses connections, so the events are read back from the spool.
 */
class RunSignalsTest {
  @TempDir Path dir;

  private final JobwatchRunJvm jvm = new JobwatchRunJvm();

  @AfterEach
  void killWhatWasStarted() {
    jvm.close();
  }

  @Test
  void sigtermToJobwatchRunIsForwardedToTheCommand() throws Exception {
    Process jobwatch = jvm.run(dir.resolve("spool"), dir.resolve("err"), "sleep", "60");
    ProcessHandle sleep = jvm.child(jobwatch, "sleep");

    jobwatch.destroy(); // SIGTERM, as `kill PID`, systemd or timeout(1) send it
    assertThat(jobwatch.waitFor(30, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 50 && sleep.isAlive(); i++) {
      Thread.sleep(100);
    }

    assertThat(sleep.isAlive()).as("the command must not outlive its wrapper").isFalse();
  }

  @Test
  void sigtermToJobwatchRunStopsTheCommandsOwnChildrenAsTimeoutDoes() throws Exception {
    // A crontab's script is a shell running its steps: `kill PID` of the wrapper must stop the
    // step that runs, not only the shell, as timeout(1) does (it signals the process group). Else
    // the run is reported ended (crashed, signal_15) while its work goes on, orphaned.
    Path spool = dir.resolve("spool");
    Process jobwatch =
        jvm.run(spool, dir.resolve("err"), "sh", "-c", "sleep 61; echo the script went on");
    // /bin/sh is a link to the shell the system uses (dash, bash): the process has that one's name
    ProcessHandle shell =
        jvm.child(jobwatch, Path.of("/bin/sh").toRealPath().getFileName().toString());
    ProcessHandle sleep = JobwatchRunJvm.childOf(shell, "sleep");

    boolean outlived;
    try {
      jobwatch.destroy(); // SIGTERM, as `kill PID`, systemd or timeout(1) send it
      assertThat(jobwatch.waitFor(30, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 50 && sleep.isAlive(); i++) {
        Thread.sleep(100);
      }
      outlived = sleep.isAlive();
    } finally {
      sleep.destroyForcibly(); // orphaned, it is no longer under the JVM that close() kills
    }

    assertThat(outlived).as("the script's step must not outlive the reported run").isFalse();
    assertThat(jobwatch.exitValue()).isEqualTo(143);
    List<JsonNode> events = JobwatchRunJvm.spooled(spool);
    assertThat(events.get(events.size() - 1).path("data").path("exit_code").asInt()).isEqualTo(143);
  }

  @Test
  void sigtermToJobwatchRunStillReportsTheRunAndExitsWithTheCommandsStatus() throws Exception {
    Path spool = dir.resolve("spool");
    Path err = dir.resolve("err");
    Process jobwatch = jvm.run(spool, err, "sleep", "60");
    jvm.child(jobwatch, "sleep");

    jobwatch.destroy();
    assertThat(jobwatch.waitFor(30, TimeUnit.SECONDS)).isTrue();

    List<JsonNode> events = JobwatchRunJvm.spooled(spool);
    assertThat(events.stream().map(e -> e.path("type").asText()))
        .as("every event is acknowledged or spooled, the run ending with job.finished")
        .containsExactly("job.submitted", "job.started", "job.finished");
    assertThat(events.get(2).path("data").path("exit_code").asInt())
        .as("sleep killed by SIGTERM: 128 + 15, which folds as crashed, signal_15")
        .isEqualTo(143);
    assertThat(jobwatch.exitValue()).isEqualTo(143);
    assertThat(Files.readString(err, StandardCharsets.UTF_8)).contains("spooled 3 events");
  }

  @Test
  void sigintAndSighupToTheWrapperAloneNeitherEndItNorReachTheCommand() throws Exception {
    Path spool = dir.resolve("spool");
    Path marker = dir.resolve("ended");
    Path trapped = dir.resolve("trapped");
    Path release = dir.resolve("release");
    Process jobwatch =
        jvm.run(
            spool,
            dir.resolve("err"),
            "sh",
            "-c",
            "trap 'echo INT >> "
                + marker
                + "' INT; trap 'echo HUP >> "
                + marker
                + "' HUP;"
                + " touch "
                + trapped
                + "; while [ ! -e "
                + release
                + " ]; do sleep 0.1; done; echo done >> "
                + marker
                + "; exit 7");
    // The command ends only once released: with a fixed sleep in it, a slow machine could let it
    // end (and the wrapper with it) before the signals were sent or the wrapper looked at.
    boolean survived;
    try {
      for (int i = 0; i < 400 && !Files.exists(trapped); i++) {
        Thread.sleep(50);
      }
      assertThat(trapped).as("sh has set its traps").exists();

      JobwatchRunJvm.kill("INT", jobwatch.toHandle());
      JobwatchRunJvm.kill("HUP", jobwatch.toHandle());
      Thread.sleep(300);
      survived = jobwatch.isAlive();
    } finally {
      Files.createFile(release);
    }
    assertThat(survived).as("the wrapper survives INT and HUP").isTrue();

    assertThat(jobwatch.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(jobwatch.exitValue()).isEqualTo(7);
    assertThat(Files.readAllLines(marker))
        .as("a terminal sends INT and HUP to the command itself; the wrapper does not repeat them")
        .containsExactly("done");
    List<JsonNode> events = JobwatchRunJvm.spooled(spool);
    assertThat(events.get(events.size() - 1).path("type").asText()).isEqualTo("job.finished");
    assertThat(events.get(events.size() - 1).path("data").path("exit_code").asInt()).isEqualTo(7);
  }

  @Test
  void sigtermReachesTheCommandOnTheParsersPathToo() throws Exception {
    // --mode BINARY is not a plain line (EarlyRun): the parser reads it, RunCommand starts sleep.
    Path spool = dir.resolve("spool");
    Process jobwatch =
        jvm.start(
            spool,
            dir.resolve("err"),
            List.of("run", "--mode", "BINARY", "--monitor", "audit", "--", "sleep", "60"));
    ProcessHandle sleep = jvm.child(jobwatch, "sleep");

    jobwatch.destroy();
    assertThat(jobwatch.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(jobwatch.exitValue()).isEqualTo(143);
    for (int i = 0; i < 50 && sleep.isAlive(); i++) {
      Thread.sleep(100);
    }
    assertThat(sleep.isAlive()).isFalse();
    List<String> lines = Files.readAllLines(spool.resolve(Spool.FILE));
    assertThat(lines).hasSize(3);
    JsonNode finished = CliEvents.MAPPER.readTree(lines.get(2));
    assertThat(finished.path("headers").path("ce_type").asText()).isEqualTo("job.finished");
    assertThat(CliEvents.MAPPER.readTree(finished.path("value").asText()).path("exit_code").asInt())
        .isEqualTo(143);
  }

  @Test
  void theBeforeEventsAreSpooledWhileTheCommandRunsSoAKilledRunKeepsThem() throws Exception {
    Path spool = dir.resolve("spool");
    Process jobwatch = jvm.run(spool, dir.resolve("err"), "sleep", "60");
    jvm.child(jobwatch, "sleep");

    // The first send fails within the delivery timeout (5 s); both events go to the spool then.
    List<String> types = List.of();
    for (int i = 0; i < 300 && types.size() < 2; i++) {
      Thread.sleep(100);
      types = JobwatchRunJvm.spooledTypes(spool);
    }
    assertThat(jobwatch.isAlive()).isTrue();
    jobwatch.destroyForcibly(); // SIGKILL: nothing of jobwatch runs any more
    jobwatch.waitFor(30, TimeUnit.SECONDS);

    assertThat(JobwatchRunJvm.spooledTypes(spool))
        .as("spooled at the first failed send, not only when the command has ended")
        .containsExactly("job.submitted", "job.started");
  }
}
