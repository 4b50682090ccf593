package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crontab line of docs/performance.md ("jobwatch run from cron") runs the command with the
 * resource limits cron gave the line: HotSpot raises its own soft limit of open files to the hard
 * one at start (MaxFDLimit), and a child inherits that, so without {@code -XX:-MaxFDLimit} a script
 * under {@code jobwatch run} saw 524288 or more open files allowed where cron gives 1024 (a program
 * that closes every descriptor up to the limit before each child, or uses select(), behaves
 * differently there than under cron alone).
 */
class RunResourceLimitsTest {
  private static final Path DOC = Path.of("..", "docs", "performance.md");

  @TempDir Path dir;

  /** The JVM options of the documented crontab line, between {@code java} and {@code -jar}. */
  private static List<String> documentedJvmOptions() throws Exception {
    String line =
        Files.readAllLines(DOC).stream()
            .filter(l -> l.startsWith("0 2 * * * java "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no crontab line in " + DOC));
    List<String> words = Arrays.asList(line.split(" +"));
    return words.subList(words.indexOf("java") + 1, words.indexOf("-jar"));
  }

  /** The soft limit a shell has after {@code limits} (1024 unless the hard limit is lower). */
  private static String softLimitUnder(String limits) throws Exception {
    Process shell = new ProcessBuilder("sh", "-c", limits + "; ulimit -S -n").start();
    String limit = new String(shell.getInputStream().readAllBytes()).strip();
    assertThat(shell.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return limit;
  }

  @Test
  @DisplayName(
      "The documented crontab line runs the command with cron's soft limit of open files, not the"
          + " one the JVM raised for itself")
  void theCommandKeepsTheSoftLimitOfOpenFilesCronGave() throws Exception {
    Path seen = dir.resolve("limit");
    List<String> args = new ArrayList<>();
    // cron's (systemd's) default: soft 1024 below a higher hard limit
    String cronLimits = "ulimit -S -n 1024 2>/dev/null || ulimit -S -n \"$(ulimit -H -n)\"";
    args.addAll(List.of("sh", "-c", cronLimits + "; exec \"$@\"", "sh"));
    args.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    args.addAll(documentedJvmOptions());
    args.add("-cp");
    args.add(
        Optional.ofNullable(System.getProperty("surefire.test.class.path"))
            .orElse(System.getProperty("java.class.path")));
    args.add("io.jobwatch.Main");
    args.addAll(List.of("run", "--monitor", "audit", "--", "sh", "-c", "ulimit -S -n > " + seen));
    ProcessBuilder builder = new ProcessBuilder(args);
    builder.environment().put("JOBWATCH_KAFKA_BOOTSTRAP", JobwatchRunJvm.NOBODY);
    builder.environment().put("JOBWATCH_SPOOL_DIR", dir.resolve("spool").toString());
    builder.redirectErrorStream(true);
    builder.redirectOutput(dir.resolve("out").toFile());
    Process jobwatch = builder.start();
    assertThat(jobwatch.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(jobwatch.exitValue()).as(Files.readString(dir.resolve("out"))).isZero();

    assertThat(Files.readString(seen).strip()).isEqualTo(softLimitUnder(cronLimits));
  }
}
