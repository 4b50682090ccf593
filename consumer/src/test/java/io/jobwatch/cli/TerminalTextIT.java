package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Free text a publisher sent (runtime status, crash details, stage error messages, dead-letter
 * values) reaches the operator's terminal through the text commands: its control characters are
 * shown as escapes, never sent to the terminal as codes.
 */
@WithInfra
class TerminalTextIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Sets the terminal's title, clears the screen, and rings the bell. */
  private static final String HOSTILE = "\\u001b]0;pwned\\u0007boom\\u001b[2J\\u009b1m";

  @Test
  @DisplayName("job ID and status show a publisher's control characters as escapes")
  void controlCharactersAreShownAsEscapes(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      String job = "cli-escapes-1";
      cli.sendRaw(
          cli.lifecycle,
          job,
          """
          {"specversion":"1.0","id":"esc-1","source":"/runner/py","type":"job.started",
           "time":"2026-11-22T10:00:05Z",
           "data":{"job_id":"%s","service":"blast","runner":"slurm","attempt":1}}"""
              .formatted(job));
      cli.sendRaw(
          cli.lifecycle,
          job,
          """
          {"specversion":"1.0","id":"esc-2","source":"/runner/py","type":"job.status",
           "time":"2026-11-22T10:00:06Z",
           "data":{"job_id":"%s","attempt":1,"error":"%s",
                   "warning":"Traceback:\\n\\tline 1","activity":"50%%\\r"}}"""
              .formatted(job, HOSTILE));
      cli.sendRaw(
          cli.errors,
          "blast",
          """
          {"specversion":"1.0","id":"esc-3","source":"/runner/py","type":"stage.error",
           "time":"2026-11-22T10:00:07Z",
           "data":{"service":"blast","runner":"slurm","stage":"check_status",
                   "error_class":"ConnectionError","message":"%s"}}"""
              .formatted(HOSTILE));
      CliFixture.await(
          "the runtime error and the stage error",
          WAIT,
          () ->
              cli.count("SELECT count(*) FROM jobs WHERE runtime_error IS NOT NULL") == 1
                  && cli.count("SELECT count(*) FROM stage_health WHERE error_count = 1") == 1);

      CliFixture.Result shown = cli.run("job", job);

      assertThat(shown.exitCode()).as(shown.err()).isZero();
      assertThat(shown.out())
          .doesNotContain("\u001b", "\u0007", "\u009b", "\r")
          .contains("error: \\u001b]0;pwned\\u0007boom\\u001b[2J\\u009b1m")
          .contains("warning: Traceback:\\n\\tline 1")
          .contains("activity: 50%\\r");

      CliFixture.Result status = cli.run("status");

      assertThat(status.exitCode()).as(status.err()).isZero();
      assertThat(status.out())
          .doesNotContain("\u001b", "\u0007", "\u009b")
          .contains("ConnectionError: \\u001b]0;pwned\\u0007boom\\u001b[2J\\u009b1m");

      // A record that is not even JSON: its value keeps its lines, nothing else.
      cli.sendRaw(cli.lifecycle, "dl-\u001b[2J", "not json \u001b[2J\u0007\nsecond line");
      CliFixture.await(
          "the dead letter", WAIT, () -> cli.count("SELECT count(*) FROM dead_letters") == 1);
      long letter = cli.count("SELECT id FROM dead_letters");

      CliFixture.Result dead = cli.run("dead-letters", "show", String.valueOf(letter));

      assertThat(dead.exitCode()).as(dead.err()).isZero();
      assertThat(dead.out())
          .doesNotContain("\u001b", "\u0007")
          .contains("key       dl-\\u001b[2J")
          .contains("value     not json \\u001b[2J\\u0007\nsecond line");
      assertThat(cli.run("dead-letters", "list").out()).doesNotContain("\u001b");
    }
  }
}
