package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts and cron lines call {@code jobwatch emit --spool}; cron mails whatever a line prints.
 * With the broker away, the Kafka client's own "connection could not be established" WARN lines
 * (one every 0.2 s of the 5 s delivery timeout) buried the one line that matters, so every CLI
 * publisher turns them off as {@code run} does, and says itself why the event was spooled.
 */
class QuietPublishersTest {
  @TempDir Path dir;

  @Test
  void emitWithTheBrokerAwaySaysOnlyThatItSpooledAndWhy() throws Exception {
    Path stderr = dir.resolve("stderr");
    Path spool = dir.resolve("spool");
    try (JobwatchRunJvm jvm = new JobwatchRunJvm()) {
      Process emit =
          jvm.start(
              spool,
              stderr,
              List.of(
                  "emit",
                  "--spool",
                  "job.started",
                  "--job-id",
                  "j1",
                  "--runner",
                  "slurm",
                  "--attempt",
                  "1"));
      assertThat(emit.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(emit.exitValue()).isZero();
    }

    List<String> lines = Files.readAllLines(stderr);
    assertThat(lines)
        .as("stderr")
        .singleElement()
        .asString()
        .contains("did not acknowledge a record for jobwatch.lifecycle")
        .contains("spooled to " + spool);
    assertThat(JobwatchRunJvm.spooled(spool)).hasSize(1);
  }
}
