package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code emit --mode binary} and {@code run --mode binary} against a real broker and database. */
@WithInfra
class CliModesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @DisplayName("emit and run in binary mode are folded like structured mode")
  void binaryModeIsFolded(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      CliFixture.Result emitted =
          cli.run(
              "emit",
              "--mode",
              "binary",
              "job.submitted",
              "--job-id",
              "bin-1",
              "--service",
              "blast");
      CliFixture.Result ran =
          cli.run("run", "--mode", "binary", "--monitor", "bin-cron", "--", "sh", "-c", "exit 4");
      CliFixture.Result wrongMode =
          cli.run("emit", "--mode", "batch", "job.submitted", "--job-id", "x", "--service", "s");

      assertThat(emitted.exitCode()).as(emitted.err()).isZero();
      assertThat(ran.exitCode()).isEqualTo(4);
      assertThat(wrongMode.exitCode()).isEqualTo(2);
      assertThat(wrongMode.err()).contains("structured or binary");
      CliFixture.await(
          "both jobs",
          WAIT,
          () ->
              cli.count(
                          "SELECT count(*) FROM jobs WHERE job_id = 'bin-1' AND state = 'submitted'"
                              + " AND service = 'blast'")
                      == 1
                  && cli.count(
                          "SELECT count(*) FROM jobs WHERE monitor = 'bin-cron' AND state = 'failed'"
                              + " AND exit_code = 4")
                      == 1);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM job_events WHERE source LIKE '/jobwatch-cli/%'"
                      + " AND envelope->>'specversion' = '1.0'"))
          .isEqualTo(4);
      assertThat(cli.count("SELECT count(*) FROM dead_letters")).isZero();
    }
  }
}
