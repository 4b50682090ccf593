package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code jobwatch monitors apply}: a monitors file applied, edited and applied again. */
@WithInfra
class MonitorsApplyIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static final String FIRST =
      """
      monitors:
        - monitor: nightly-backup
          team: data-platform
          schedule: {cron: "0 2 * * *", timezone: Europe/Berlin}
          grace: PT30M
          max_runtime: PT2H
        - monitor: mirror-sync
          team: infra
          schedule: {every: PT15M}
          grace: PT5M
      """;

  private static final String EDITED =
      """
      monitors:
        - monitor: nightly-backup
          team: data-platform
          schedule: {cron: "0 2 * * *", timezone: Europe/Berlin}
          grace: PT1H
          max_runtime: PT2H
        - monitor: weekly-report
          team: analytics
          schedule: {every: P1W}
          grace: P1D
      """;

  @Test
  @DisplayName(
      "apply declares a file's monitors; the edited file updates, creates and retires only the"
          + " owner's")
  void applyEditAndReapply(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      Path file = Files.createTempFile(cli.spoolDir, "monitors-", ".yaml");
      Files.writeString(file, FIRST);
      assertThat(
              cli.run(
                      "emit",
                      "monitor.declared",
                      "--data",
                      "{\"monitor\":\"by-hand\",\"team\":\"ops\",\"schedule\":{\"every\":\"PT1H\"},"
                          + "\"grace\":\"PT5M\"}")
                  .exitCode())
          .isZero();

      CliFixture.Result first = cli.run("monitors", "apply", file.toString(), "--owner", "gitops");

      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(first.out()).contains("2 to create, 0 to update, 0 to retire, 0 unchanged");
      CliFixture.await(
          "the three declarations",
          WAIT,
          () -> cli.count("SELECT count(*) FROM monitor_declarations") == 3);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM monitors WHERE monitor = 'nightly-backup'"
                      + " AND team = 'data-platform' AND schedule_cron = '0 2 * * *'"
                      + " AND schedule_timezone = 'Europe/Berlin' AND grace = 'PT30M'::interval"
                      + " AND max_runtime = 'PT2H'::interval AND retired_at IS NULL"))
          .isEqualTo(1);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM monitor_declarations WHERE owner = 'gitops'"
                      + " AND monitor IN ('nightly-backup', 'mirror-sync')"))
          .isEqualTo(2);

      Files.writeString(file, EDITED);
      long eventsBefore = cli.count("SELECT count(*) FROM job_events");
      CliFixture.Result dryRun =
          cli.run("monitors", "apply", file.toString(), "--owner", "gitops", "--dry-run");

      assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
      assertThat(dryRun.out())
          .contains(
              "1 to create, 1 to update, 1 to retire, 0 unchanged",
              "grace: \"PT30M\" -> \"PT1H\"",
              "dry run: nothing published")
          .doesNotContain("by-hand");
      Thread.sleep(2_000); // a publishing dry run would have been folded by now
      assertThat(cli.count("SELECT count(*) FROM job_events")).isEqualTo(eventsBefore);

      CliFixture.Result edited = cli.run("monitors", "apply", file.toString(), "--owner", "gitops");

      assertThat(edited.exitCode()).as(edited.err()).isZero();
      assertThat(edited.out()).contains("published 3 events");
      CliFixture.await(
          "mirror-sync retired, weekly-report declared, nightly-backup updated",
          WAIT,
          () ->
              cli.count(
                          "SELECT count(*) FROM monitors WHERE monitor = 'mirror-sync'"
                              + " AND retired_at IS NOT NULL")
                      == 1
                  && cli.count(
                          "SELECT count(*) FROM monitors WHERE monitor = 'weekly-report'"
                              + " AND grace = 'P1D'::interval AND retired_at IS NULL")
                      == 1
                  && cli.count(
                          "SELECT count(*) FROM monitors WHERE monitor = 'nightly-backup'"
                              + " AND grace = 'PT1H'::interval")
                      == 1);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM monitor_declarations WHERE retired"
                      + " AND monitor = 'mirror-sync'"))
          .isEqualTo(1);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM monitors WHERE monitor = 'by-hand' AND retired_at IS NULL"))
          .isEqualTo(1);

      long eventsAfter = cli.count("SELECT count(*) FROM job_events");
      CliFixture.Result again = cli.run("monitors", "apply", file.toString(), "--owner", "gitops");

      assertThat(again.exitCode()).as(again.err()).isZero();
      assertThat(again.out())
          .contains("0 to create, 0 to update, 0 to retire, 2 unchanged", "nothing to publish");
      assertThat(cli.count("SELECT count(*) FROM job_events")).isEqualTo(eventsAfter);
    }
  }

  @Test
  @DisplayName("apply refuses a file with an invalid monitor and publishes none of it")
  void invalidFileIsRefusedWhole(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      Path file = Files.createTempFile(cli.spoolDir, "monitors-", ".yaml");
      Files.writeString(
          file,
          """
          monitors:
            - monitor: fine
              team: ops
              schedule: {every: PT1H}
              grace: PT5M
            - monitor: broken
              team: ops
              schedule: {cron: "0 2 * * *"}
              grace: PT5M
          """);

      CliFixture.Result result = cli.run("monitors", "apply", file.toString(), "--owner", "gitops");

      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.err()).contains("monitor broken", "$.data.schedule");
      Thread.sleep(2_000);
      assertThat(cli.count("SELECT count(*) FROM job_events")).isZero();
    }
  }
}
