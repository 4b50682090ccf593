package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Black-box, end-to-end audit of monitors as cron users and alerting setups use them: declarations
 * and runs published to a real broker (by hand and through the real {@code jobwatch run} and {@code
 * jobwatch monitors apply}), folded into PostgreSQL, exported on /metrics, and the scraped values
 * checked against the shipped alert rules with promtool. Expectations come from the brief and
 * docs/monitors.md, not from the code.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class E2eCronIT extends SharedAppIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final List<String> STATUSES =
      List.of("new", "up", "late", "down", "overrun", "paused", "too_often");
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  // ---------------------------------------------------------------- helpers

  private Map<String, String> cliEnv() {
    Map<String, String> env = harness.cliEnvironment();
    env.put("JOBWATCH_HTTP_PORT", "0");
    try {
      env.put("JOBWATCH_SPOOL_DIR", Files.createTempDirectory("e2e-cron-spool-").toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return env;
  }

  private Harness.CliRun jobwatch(String... args) {
    return Harness.cli(cliEnv(), args);
  }

  private void declare(String monitor, Instant at, Map<String, Object> extra) {
    Map<String, Object> d =
        new HashMap<>(
            data(
                "monitor",
                monitor,
                "team",
                "ops",
                "schedule",
                data("every", "PT1H"),
                "grace",
                "PT10M"));
    d.putAll(extra);
    harness.applyLifecycle("monitor.declared", at, d);
  }

  private Map<String, Object> status(String monitor) {
    app.refreshState();
    return harness.row("SELECT * FROM monitor_status WHERE monitor = :p0", monitor);
  }

  private Map<String, Object> awaitStatus(String monitor, String expected) {
    List<Map<String, Object>> last = new ArrayList<>();
    try {
      Harness.await(
          monitor + " " + expected,
          WAIT,
          () -> {
            app.refreshState();
            List<Map<String, Object>> rows =
                harness.rows("SELECT * FROM monitor_status WHERE monitor = :p0", monitor);
            last.clear();
            last.addAll(rows);
            return rows.size() == 1 && expected.equals(rows.get(0).get("status"));
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last row: " + last, e);
    }
    return last.get(0);
  }

  private void awaitTerminalRuns(String monitor, long n) {
    Harness.await(
        n + " terminal runs of " + monitor,
        WAIT,
        () ->
            harness
                    .rows(
                        "SELECT 1 FROM jobs WHERE monitor = :p0 AND state IN"
                            + " ('succeeded','failed','crashed','cancelled')",
                        monitor)
                    .size()
                == n);
  }

  private Scrape scrape() {
    app.refreshState();
    return Scrape.metrics(app.httpPort());
  }

  /** One-hot: exactly one status series of the monitor is 1 (the expected one), the rest 0. */
  private void assertOneHot(Scrape scrape, String monitor, String team, String expected) {
    List<Scrape.Sample> samples = scrape.samples("jobwatch_monitor_status", "monitor", monitor);
    assertThat(samples).as("status series of " + monitor).isNotEmpty();
    assertThat(samples).allSatisfy(s -> assertThat(s.labels()).containsEntry("team", team));
    assertThat(samples.stream().mapToDouble(Scrape.Sample::value).sum())
        .as("one-hot sum of " + monitor)
        .isEqualTo(1.0);
    assertThat(scrape.value("jobwatch_monitor_status", "monitor", monitor, "status", expected))
        .as(monitor + " status " + expected)
        .isEqualTo(1.0);
  }

  private static double epoch(Instant instant) {
    return instant.toEpochMilli() / 1000.0;
  }

  private static Instant at(Map<String, Object> row, String column) {
    return Harness.instant(row.get(column));
  }

  // ---------------------------------------------------------------- 1. new -> late -> down

  @Test
  @Order(1)
  @DisplayName("every PT1H, grace PT10M, team ops: new, late, down past the deadline; last seen")
  void newLateDown() {
    // Three monitors at three points of the same lifecycle (declaration is the base).
    Instant newDeclared = now.minus(Duration.ofMinutes(55));
    Instant lateDeclared = now.minus(Duration.ofMinutes(62));
    Instant downDeclared = now.minus(Duration.ofMinutes(75));
    declare("e2e-new", newDeclared, Map.of());
    declare("e2e-late", lateDeclared, Map.of());
    declare("e2e-down", downDeclared, Map.of());

    Map<String, Object> fresh = awaitStatus("e2e-new", "new");
    assertThat(at(fresh, "deadline")).isEqualTo(newDeclared.plus(Duration.ofMinutes(70)));
    Map<String, Object> late = awaitStatus("e2e-late", "late");
    assertThat(at(late, "deadline")).isEqualTo(lateDeclared.plus(Duration.ofMinutes(70)));
    Map<String, Object> down = awaitStatus("e2e-down", "down");
    assertThat(at(down, "deadline")).isEqualTo(downDeclared.plus(Duration.ofMinutes(70)));
    assertThat(down.get("last_seen_at")).as("never ran: never seen").isNull();
    assertThat(down.get("team")).isEqualTo("ops");

    // A script last seen three hours ago: down, and the row says when it was last seen.
    Instant seenStart = now.minus(Duration.ofHours(3)).minusSeconds(40);
    Instant seenEnd = now.minus(Duration.ofHours(3));
    declare("e2e-seen", now.minus(Duration.ofHours(5)), Map.of());
    harness.applyLifecycle(
        "job.submitted",
        seenStart.minusSeconds(1),
        data("job_id", "seen-1", "service", "cron", "runner", "cron", "monitor", "e2e-seen"));
    harness.applyLifecycle(
        "job.started", seenStart, data("job_id", "seen-1", "runner", "cron", "attempt", 1));
    harness.applyLifecycle(
        "job.finished", seenEnd, data("job_id", "seen-1", "attempt", 1, "exit_code", 0));
    Map<String, Object> seen = awaitStatus("e2e-seen", "down");
    assertThat(at(seen, "last_seen_at")).isEqualTo(seenEnd);
    assertThat(at(seen, "last_success_at")).isEqualTo(seenEnd);
    assertThat(at(seen, "deadline")).isEqualTo(seenEnd.plus(Duration.ofMinutes(70)));

    Scrape scrape = scrape();
    assertOneHot(scrape, "e2e-new", "ops", "new");
    assertOneHot(scrape, "e2e-late", "ops", "late");
    assertOneHot(scrape, "e2e-down", "ops", "down");
    assertOneHot(scrape, "e2e-seen", "ops", "down");
    assertThat(
            scrape.value(
                "jobwatch_monitor_deadline_timestamp_seconds", "monitor", "e2e-new", "team", "ops"))
        .isEqualTo(epoch(newDeclared.plus(Duration.ofMinutes(70))));
    assertThat(
            scrape.value(
                "jobwatch_monitor_deadline_timestamp_seconds",
                "monitor",
                "e2e-late",
                "team",
                "ops"))
        .isEqualTo(epoch(lateDeclared.plus(Duration.ofMinutes(70))));
    assertThat(
            scrape.value(
                "jobwatch_monitor_deadline_timestamp_seconds",
                "monitor",
                "e2e-down",
                "team",
                "ops"))
        .isEqualTo(epoch(downDeclared.plus(Duration.ofMinutes(70))));
    assertThat(
            scrape.value(
                "jobwatch_monitor_last_success_timestamp_seconds",
                "monitor",
                "e2e-seen",
                "team",
                "ops"))
        .isEqualTo(epoch(seenEnd));
    assertThat(
            scrape.value(
                "jobwatch_monitor_last_seen_timestamp_seconds",
                "monitor",
                "e2e-seen",
                "team",
                "ops"))
        .isEqualTo(epoch(seenEnd));
  }

  // ---------------------------------------------------------------- 2. jobwatch run

  @Test
  @Order(2)
  @DisplayName("jobwatch run: exit 0 up, exit 3 down until the next success, 127 crashed platform")
  void realRuns() {
    String m = "e2e-run";
    declare(m, now.minus(Duration.ofMinutes(30)), Map.of());
    awaitStatus(m, "new");

    Instant before = Instant.now();
    Harness.CliRun ok = jobwatch("run", "--monitor", m, "--", "/bin/sh", "-c", "exit 0");
    Instant after = Instant.now();
    assertThat(ok.code()).as(ok.err()).isZero();
    awaitTerminalRuns(m, 1);
    Map<String, Object> up = awaitStatus(m, "up");
    Instant lastSuccess = at(up, "last_success_at");
    assertThat(lastSuccess).isBetween(before.minusSeconds(1), after.plusSeconds(1));
    // Deadline = next expected (last success + every) + grace.
    assertThat(at(up, "deadline")).isEqualTo(lastSuccess.plus(Duration.ofMinutes(70)));
    assertThat(at(up, "expected_at")).isEqualTo(lastSuccess.plus(Duration.ofHours(1)));
    Map<String, Object> job = harness.row("SELECT * FROM jobs WHERE monitor = :p0", m);
    assertThat(job).containsEntry("state", "succeeded").containsEntry("exit_code", 0);
    Scrape scrape = scrape();
    assertOneHot(scrape, m, "ops", "up");
    assertThat(
            scrape.value(
                "jobwatch_monitor_last_success_timestamp_seconds", "monitor", m, "team", "ops"))
        .isCloseTo(epoch(lastSuccess), org.assertj.core.data.Offset.offset(0.0011));
    assertThat(
            scrape.value(
                "jobwatch_monitor_deadline_timestamp_seconds", "monitor", m, "team", "ops"))
        .isCloseTo(
            epoch(lastSuccess.plus(Duration.ofMinutes(70))),
            org.assertj.core.data.Offset.offset(0.0011));

    Harness.CliRun failed = jobwatch("run", "--monitor", m, "--", "/bin/sh", "-c", "exit 3");
    assertThat(failed.code()).as("exit code passes through").isEqualTo(3);
    awaitTerminalRuns(m, 2);
    Map<String, Object> down = awaitStatus(m, "down");
    assertThat(at(down, "last_success_at")).isEqualTo(lastSuccess);
    assertThat(down.get("last_failure_at")).isNotNull();
    assertOneHot(scrape(), m, "ops", "down");

    Harness.CliRun again = jobwatch("run", "--monitor", m, "--", "/bin/sh", "-c", "exit 0");
    assertThat(again.code()).isZero();
    awaitTerminalRuns(m, 3);
    Map<String, Object> upAgain = awaitStatus(m, "up");
    assertThat(at(upAgain, "last_success_at")).isAfter(lastSuccess);
    assertOneHot(scrape(), m, "ops", "up");

    Harness.CliRun notFound = jobwatch("run", "--monitor", m, "--", "/no/such/e2e-command");
    assertThat(notFound.code()).isEqualTo(127);
    awaitTerminalRuns(m, 4);
    awaitStatus(m, "down");
    Map<String, Object> crashed =
        harness.row("SELECT * FROM jobs WHERE monitor = :p0 AND exit_code = 127", m);
    assertThat(crashed)
        .containsEntry("state", "crashed")
        .containsEntry("blame", "platform")
        .containsEntry("cause", "not_started");
    // "also counts as a start-stage error of that service's runner" (service and runner cron).
    Harness.await(
        "start-stage error of cron/cron",
        WAIT,
        () ->
            harness
                    .rows(
                        "SELECT 1 FROM stage_health WHERE service = 'cron' AND runner = 'cron'"
                            + " AND stage = 'start' AND error_count >= 1")
                    .size()
                == 1);
    assertOneHot(scrape(), m, "ops", "down");
  }

  // ---------------------------------------------------------------- 3. max_runtime

  @Test
  @Order(3)
  @DisplayName("max_runtime PT5M: started 6 minutes ago and not finished is overrun; finished, up")
  void overrun() {
    String m = "e2e-overrun";
    declare(m, now.minus(Duration.ofMinutes(30)), Map.of("max_runtime", "PT5M"));
    Instant started = now.minus(Duration.ofMinutes(6));
    harness.applyLifecycle(
        "job.submitted",
        started.minusSeconds(1),
        data("job_id", "ovr-1", "service", "cron", "runner", "cron", "monitor", m));
    harness.applyLifecycle(
        "job.started", started, data("job_id", "ovr-1", "runner", "cron", "attempt", 1));
    Map<String, Object> overrun = awaitStatus(m, "overrun");
    assertThat(at(overrun, "last_start_at")).isEqualTo(started);
    assertOneHot(scrape(), m, "ops", "overrun");

    Instant finished = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    harness.applyLifecycle(
        "job.finished", finished, data("job_id", "ovr-1", "attempt", 1, "exit_code", 0));
    Map<String, Object> up = awaitStatus(m, "up");
    assertThat(at(up, "last_success_at")).isEqualTo(finished);
    assertThat(at(up, "deadline")).isEqualTo(finished.plus(Duration.ofMinutes(70)));
    assertOneHot(scrape(), m, "ops", "up");
  }

  // ---------------------------------------------------------------- 4. monitors apply

  private static final String FILE =
      """
      monitors:
        - monitor: e2e-nightly-report
          team: ops
          schedule: {cron: "0 3 * * *", timezone: Europe/Berlin}
          grace: PT30M
        - monitor: e2e-legacy-sync
          team: ops
          schedule: {every: PT15M}
          grace: PT5M
      """;

  private static final String FILE_WITHOUT_LEGACY =
      """
      monitors:
        - monitor: e2e-nightly-report
          team: ops
          schedule: {cron: "0 3 * * *", timezone: Europe/Berlin}
          grace: PT30M
      """;

  @Test
  @Order(4)
  @DisplayName(
      "monitors apply --owner: cron in Berlin, a failing monitor retired by the next apply leaves"
          + " metrics; pause and resume")
  void monitorsAsCode() throws Exception {
    Path file = Files.createTempFile("e2e-monitors-", ".yaml");
    Files.writeString(file, FILE);
    Harness.CliRun first = jobwatch("monitors", "apply", file.toString(), "--owner", "ops-cron");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("2 to create");

    Map<String, Object> nightly = awaitStatus("e2e-nightly-report", "new");
    awaitStatus("e2e-legacy-sync", "new");
    Map<String, Object> row =
        harness.row(
            "SELECT schedule_cron, schedule_timezone, declared_at FROM monitors WHERE monitor ="
                + " :p0",
            "e2e-nightly-report");
    assertThat(row)
        .containsEntry("schedule_cron", "0 3 * * *")
        .containsEntry("schedule_timezone", "Europe/Berlin");
    Instant declaredAt = at(row, "declared_at");
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    ZonedDateTime base = declaredAt.atZone(berlin);
    ZonedDateTime next = base.truncatedTo(ChronoUnit.DAYS).withHour(3);
    if (!next.isAfter(base)) {
      next = base.truncatedTo(ChronoUnit.DAYS).plusDays(1).withHour(3);
    }
    Instant expected = next.toInstant();
    assertThat(at(nightly, "expected_at")).isEqualTo(expected);
    assertThat(at(nightly, "deadline")).isEqualTo(expected.plus(Duration.ofMinutes(30)));
    Scrape scrape = scrape();
    assertOneHot(scrape, "e2e-nightly-report", "ops", "new");
    assertThat(
            scrape.value(
                "jobwatch_monitor_deadline_timestamp_seconds",
                "monitor",
                "e2e-nightly-report",
                "team",
                "ops"))
        .isEqualTo(epoch(expected.plus(Duration.ofMinutes(30))));

    // legacy-sync's script fails: down, pages team ops.
    Harness.CliRun failed =
        jobwatch("run", "--monitor", "e2e-legacy-sync", "--", "/bin/sh", "-c", "exit 3");
    assertThat(failed.code()).isEqualTo(3);
    awaitStatus("e2e-legacy-sync", "down");
    assertOneHot(scrape(), "e2e-legacy-sync", "ops", "down");

    // Paused: no alert; resumed: judged again, the clock restarted.
    Harness.CliRun pause = jobwatch("emit", "monitor.paused", "--monitor", "e2e-nightly-report");
    assertThat(pause.code()).as(pause.err()).isZero();
    awaitStatus("e2e-nightly-report", "paused");
    Scrape paused = scrape();
    assertOneHot(paused, "e2e-nightly-report", "ops", "paused");
    assertThat(
            paused.samples(
                "jobwatch_monitor_deadline_timestamp_seconds", "monitor", "e2e-nightly-report"))
        .as("a paused monitor has no deadline")
        .allSatisfy(s -> assertThat(s.value()).isNaN());

    // Another apply while paused: pause stays, nothing published for an unchanged monitor.
    Files.writeString(file, FILE_WITHOUT_LEGACY);
    Harness.CliRun second = jobwatch("monitors", "apply", file.toString(), "--owner", "ops-cron");
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(second.out()).contains("0 to create, 0 to update, 1 to retire, 1 unchanged");
    Map<String, Object> retired = awaitStatus("e2e-legacy-sync", "retired");
    assertThat(retired.get("deadline")).isNull();
    Scrape afterRetire = scrape();
    assertThat(afterRetire.samples("jobwatch_monitor_status", "monitor", "e2e-legacy-sync"))
        .as("retired monitors disappear from metrics")
        .isEmpty();
    assertThat(
            afterRetire.samples(
                "jobwatch_monitor_deadline_timestamp_seconds", "monitor", "e2e-legacy-sync"))
        .isEmpty();
    assertThat(
            afterRetire.samples(
                "jobwatch_monitor_last_success_timestamp_seconds", "monitor", "e2e-legacy-sync"))
        .isEmpty();
    assertThat(status("e2e-nightly-report")).containsEntry("status", "paused");

    Harness.CliRun resume = jobwatch("emit", "monitor.resumed", "--monitor", "e2e-nightly-report");
    assertThat(resume.code()).as(resume.err()).isZero();
    Map<String, Object> resumed = awaitStatus("e2e-nightly-report", "new");
    assertThat(at(resumed, "deadline")).isNotNull();
    assertOneHot(scrape(), "e2e-nightly-report", "ops", "new");

    // Paused while it would be down (declared 3 hours ago, never ran): paused, not down.
    declare("e2e-paused-down", now.minus(Duration.ofHours(3)), Map.of());
    awaitStatus("e2e-paused-down", "down");
    harness.applyLifecycle(
        "monitor.paused", now.minus(Duration.ofMinutes(1)), data("monitor", "e2e-paused-down"));
    awaitStatus("e2e-paused-down", "paused");
    assertOneHot(scrape(), "e2e-paused-down", "ops", "paused");
  }

  // ---------------------------------------------------------------- 5. backlog

  @Test
  @Order(7)
  @DisplayName("a backlog drained after an outage does not make an on-time monitor down")
  void backlogDrain(Infra infra) {
    try (Harness backlog = new Harness(infra, 2, Map.of("JOBWATCH_MAX_POLL_RECORDS", "5"))) {
      Instant start = now.minus(Duration.ofMinutes(30));
      int events = 0;
      backlog.lifecycleEvent(
          "monitor.declared",
          start,
          data(
              "monitor",
              "bl-on-time",
              "team",
              "ops",
              "schedule",
              data("every", "PT5M"),
              "grace",
              "PT2M"));
      backlog.lifecycleEvent(
          "monitor.declared",
          start,
          data(
              "monitor",
              "bl-stopped",
              "team",
              "ops",
              "schedule",
              data("every", "PT5M"),
              "grace",
              "PT2M"));
      events += 2;
      for (int minute = 1; minute <= 30; minute++) {
        Instant finished = start.plus(Duration.ofMinutes(minute)).minusSeconds(10);
        if (minute % 5 == 0) {
          events += backlogRun(backlog, "bl-on-time-" + minute, "bl-on-time", finished);
          if (minute <= 10) {
            events += backlogRun(backlog, "bl-stopped-" + minute, "bl-stopped", finished);
          }
        }
        for (int filler = 0; filler < 30; filler++) {
          events += backlogRun(backlog, "bl-fill-" + minute + "-" + filler, null, finished);
        }
      }
      backlog.flush();
      final int total = events;
      List<Map<String, Object>> samples = new ArrayList<>();
      try (JobwatchApp drained = backlog.startApp()) {
        Harness.await(
            "backlog drained",
            Duration.ofSeconds(300),
            () -> {
              try {
                samples.addAll(
                    backlog.rows(
                        "SELECT monitor, status, evaluated_at, deadline FROM monitor_status"));
              } catch (RuntimeException notYet) {
                // schema not migrated yet
              }
              return backlog.countOnceMigrated("SELECT count(*) FROM job_events") >= total;
            });
        assertThat(samples.stream().filter(s -> "bl-on-time".equals(s.get("monitor"))))
            .as("on-time monitor never down while the backlog drains")
            .isNotEmpty()
            .noneMatch(s -> "down".equals(s.get("status")));
        // The drain was observed midway, judged behind the wall clock.
        assertThat(samples.stream().filter(s -> "bl-on-time".equals(s.get("monitor"))))
            .anySatisfy(
                s ->
                    assertThat(Harness.instant(s.get("evaluated_at")))
                        .isBefore(now.minus(Duration.ofMinutes(5))));
        // The stopped one goes down only once the judgement passed its deadline.
        assertThat(samples.stream().filter(s -> "bl-stopped".equals(s.get("monitor"))))
            .allSatisfy(
                s -> {
                  if ("down".equals(s.get("status"))) {
                    assertThat(Harness.instant(s.get("evaluated_at")))
                        .isAfter(Harness.instant(s.get("deadline")));
                  }
                });
        Harness.await(
            "caught up",
            Duration.ofSeconds(60),
            () ->
                backlog.count(
                        "SELECT count(*) FROM consumer_progress WHERE group_id = '"
                            + backlog.group
                            + "' AND NOT (caught_up AND reported_at > now() - interval '10 s')")
                    == 0);
        drained.refreshState();
        assertThat(backlog.row("SELECT status FROM monitor_status WHERE monitor = 'bl-on-time'"))
            .containsEntry("status", "up");
        assertThat(backlog.row("SELECT status FROM monitor_status WHERE monitor = 'bl-stopped'"))
            .containsEntry("status", "down");
        Scrape scrape = Scrape.metrics(drained.httpPort());
        assertThat(scrape.value("jobwatch_monitor_status", "monitor", "bl-on-time", "status", "up"))
            .isEqualTo(1.0);
        assertThat(
                scrape.value("jobwatch_monitor_status", "monitor", "bl-stopped", "status", "down"))
            .isEqualTo(1.0);
      }
    }
  }

  private static int backlogRun(Harness h, String jobId, String monitor, Instant finished) {
    Map<String, Object> submitted =
        monitor == null
            ? data("job_id", jobId, "service", "filler", "runner", "cron")
            : data("job_id", jobId, "service", "cron", "runner", "cron", "monitor", monitor);
    h.lifecycleEvent("job.submitted", finished.minusSeconds(5), submitted);
    h.lifecycleEvent(
        "job.started",
        finished.minusSeconds(4),
        data("job_id", jobId, "runner", "cron", "attempt", 1));
    h.lifecycleEvent("job.finished", finished, data("job_id", jobId, "attempt", 1, "exit_code", 0));
    return 3;
  }

  // ---------------------------------------------------------------- 6. promtool on the scrape

  @Test
  @Order(6)
  @DisplayName("the scraped monitor series, fed to the shipped rules, page the right team only")
  void promtoolOnScrape() throws Exception {
    Scrape scrape = scrape();
    List<Scrape.Sample> statusSamples =
        scrape.samples("jobwatch_monitor_status").stream()
            .filter(s -> s.labels().get("monitor").startsWith("e2e-"))
            .toList();
    assertThat(statusSamples).isNotEmpty();
    TreeSet<String> down = new TreeSet<>();
    TreeSet<String> late = new TreeSet<>();
    StringBuilder series = new StringBuilder();
    for (Scrape.Sample s : statusSamples) {
      String m = s.labels().get("monitor");
      String team = s.labels().get("team");
      String st = s.labels().get("status");
      series.append(
          String.format(
              "      - series: 'jobwatch_monitor_status{job=\"jobwatch\",instance=\"jw-1:9464\","
                  + "monitor=\"%s\",team=\"%s\",status=\"%s\"}'%n        values: '%sx10'%n",
              m, team, st, (long) s.value()));
      if (s.value() == 1.0 && st.equals("down")) {
        down.add(m + "|" + team);
      }
      if (s.value() == 1.0 && st.equals("late")) {
        late.add(m + "|" + team);
      }
    }
    // From the scenarios above: these page team ops, the paused and retired ones never do.
    assertThat(down).contains("e2e-down|ops", "e2e-seen|ops", "e2e-run|ops");
    assertThat(late).contains("e2e-late|ops");
    assertThat(down)
        .noneMatch(d -> d.startsWith("e2e-paused-down|") || d.startsWith("e2e-legacy-sync|"));

    StringBuilder yaml = new StringBuilder();
    Path rules =
        Path.of("..", "deploy", "prometheus", "rules", "jobwatch.rules.yml").toAbsolutePath();
    yaml.append("rule_files:\n  - ").append(rules).append("\nevaluation_interval: 1m\ntests:\n");
    yaml.append("  - interval: 1m\n    input_series:\n").append(series);
    yaml.append("    alert_rule_test:\n");
    yaml.append(
        "      - eval_time: 5m\n        alertname: JobwatchMonitorDown\n        exp_alerts:\n");
    for (String d : down) {
      String m = d.split("\\|")[0];
      String t = d.split("\\|")[1];
      yaml.append(
          String.format(
              "          - exp_labels: {alertname: JobwatchMonitorDown, severity: page, job: jobwatch,"
                  + " monitor: %s, team: %s, status: down}%n"
                  + "            exp_annotations:%n"
                  + "              summary: \"Monitored script %s is down\"%n"
                  + "              description: \"%s (team %s) missed its deadline or its last run"
                  + " failed. Last seen: never; last success: never.\"%n"
                  + "              runbook_url:"
                  + " \"https://github.com/jobwatch/jobwatch/blob/main/docs/alerts.md#jobwatchmonitordown\"%n",
              m, t, m, m, t));
    }
    yaml.append(
        "      - eval_time: 5m\n        alertname: JobwatchMonitorLate\n        exp_alerts:\n");
    for (String d : late) {
      String m = d.split("\\|")[0];
      String t = d.split("\\|")[1];
      yaml.append(
          String.format(
              "          - exp_labels: {alertname: JobwatchMonitorLate, severity: ticket, job:"
                  + " jobwatch, monitor: %s, team: %s, status: late}%n"
                  + "            exp_annotations:%n"
                  + "              summary: \"Monitored script %s is late\"%n"
                  + "              description: \"%s (team %s) has not succeeded at its expected"
                  + " time; it is still within its grace period, which ends at an unknown"
                  + " time.\"%n"
                  + "              runbook_url:"
                  + " \"https://github.com/jobwatch/jobwatch/blob/main/docs/alerts.md#jobwatchmonitorlate\"%n",
              m, t, m, m, t));
    }
    Path test = Path.of("target", "e2e-cron-scrape.test.yml").toAbsolutePath();
    Files.writeString(test, yaml, StandardCharsets.UTF_8);
    Process promtool =
        new ProcessBuilder("/usr/bin/promtool", "test", "rules", test.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.exitValue()).as(output + "\n" + yaml).isZero();
  }

  // ---------------------------------------------------------------- 8. more real-cron probes

  @Test
  @Order(8)
  @DisplayName(
      "real runs: a hanging script overruns max_runtime, a killed one and a non-executable one are"
          + " down, a removed-but-still-in-crontab script stays retired")
  void moreRealRuns() throws Exception {
    String m = "e2e-slow";
    declare(m, now.minus(Duration.ofMinutes(30)), Map.of("max_runtime", "PT3S"));
    awaitStatus(m, "new");
    java.util.concurrent.CompletableFuture<Harness.CliRun> slow =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> jobwatch("run", "--monitor", m, "--", "/bin/sh", "-c", "sleep 9"));
    awaitStatus(m, "overrun");
    assertOneHot(scrape(), m, "ops", "overrun");
    assertThat(slow.get(60, TimeUnit.SECONDS).code()).isZero();
    awaitTerminalRuns(m, 1);
    awaitStatus(m, "up");

    // Killed by SIGTERM: 143, crashed (unknown, signal_15), the run failed: down.
    String killed = "e2e-killed";
    declare(killed, now.minus(Duration.ofMinutes(30)), Map.of());
    Harness.CliRun k = jobwatch("run", "--monitor", killed, "--", "/bin/sh", "-c", "kill -TERM $$");
    assertThat(k.code()).isEqualTo(143);
    awaitTerminalRuns(killed, 1);
    assertThat(harness.row("SELECT state, blame, cause FROM jobs WHERE monitor = :p0", killed))
        .containsEntry("state", "crashed")
        .containsEntry("blame", "unknown")
        .containsEntry("cause", "signal_15");
    awaitStatus(killed, "down");

    // Not executable: 126, crashed platform/not_started: down.
    String noexec = "e2e-noexec";
    declare(noexec, now.minus(Duration.ofMinutes(30)), Map.of());
    Path script = Files.createTempFile("e2e-noexec-", ".sh");
    Files.writeString(script, "#!/bin/sh\nexit 0\n");
    Harness.CliRun n = jobwatch("run", "--monitor", noexec, "--", script.toString());
    assertThat(n.code()).isEqualTo(126);
    awaitTerminalRuns(noexec, 1);
    assertThat(harness.row("SELECT state, blame, cause FROM jobs WHERE monitor = :p0", noexec))
        .containsEntry("state", "crashed")
        .containsEntry("blame", "platform")
        .containsEntry("cause", "not_started");
    awaitStatus(noexec, "down");

    // exit 255 is the task's own failure: failed, down.
    String e255 = "e2e-255";
    declare(e255, now.minus(Duration.ofMinutes(30)), Map.of());
    assertThat(jobwatch("run", "--monitor", e255, "--", "/bin/sh", "-c", "exit 255").code())
        .isEqualTo(255);
    awaitTerminalRuns(e255, 1);
    assertThat(harness.row("SELECT state FROM jobs WHERE monitor = :p0", e255))
        .containsEntry("state", "failed");
    awaitStatus(e255, "down");

    // The crontab line was not removed with the monitor: the retired monitor still never alerts.
    Harness.CliRun stale =
        jobwatch("run", "--monitor", "e2e-legacy-sync", "--", "/bin/sh", "-c", "exit 3");
    assertThat(stale.code()).isEqualTo(3);
    awaitTerminalRuns("e2e-legacy-sync", 2);
    Thread.sleep(1500);
    assertThat(status("e2e-legacy-sync")).containsEntry("status", "retired");
    assertThat(scrape().samples("jobwatch_monitor_status", "monitor", "e2e-legacy-sync")).isEmpty();
  }
}
