package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What Prometheus gets: the metrics a running {@link JobwatchApp} serves on {@code /metrics}, read
 * after {@link JobwatchApp#refreshState()} and checked as exact sample values. Most tests share one
 * app and keep apart by their own services and monitors; the scale-out and label-cap tests start
 * their own.
 */
class MetricsIT extends SharedAppIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final String RUNNER = "slurm";

  /** The families only the instance holding the exporter lock may serve. */
  private static final List<String> DATABASE_FAMILIES =
      List.of(
          "jobwatch_service_health",
          "jobwatch_runner_health",
          "jobwatch_stage_health",
          "jobwatch_jobs",
          "jobwatch_job_crashes_total",
          "jobwatch_monitor_status",
          "jobwatch_monitor_last_success_timestamp_seconds",
          "jobwatch_monitor_deadline_timestamp_seconds",
          "jobwatch_monitor_last_seen_timestamp_seconds",
          "jobwatch_jobs_unsatisfiable",
          "jobwatch_jobs_stuck_waiting",
          "jobwatch_dead_letters");

  @Test
  @DisplayName(
      "Pipeline metrics: lag per assigned partition, batch size, write and commit latency, event"
          + " delay and the database pool are exported")
  void pipelineMetrics() {
    String id =
        harness.applyLifecycle(
            "job.submitted",
            Instant.now().minusSeconds(3),
            data("job_id", "pipeline-metrics", "service", "metrics-pipeline", "runner", RUNNER));
    assertThat(id).isNotBlank();
    Harness.await(
        "lag to be reported for both topics' partitions",
        Duration.ofSeconds(60),
        () -> Scrape.metrics(app.httpPort()).samples("jobwatch_consumer_lag").size() == 4);
    // Stored is not recorded yet: the batch's size, latencies and delays are recorded after its
    // COMMIT returned (and an earlier test's batches can make the counts positive already).
    Harness.await(
        "the event's delay to be recorded",
        Duration.ofSeconds(60),
        () -> Scrape.metrics(app.httpPort()).value("jobwatch_event_delay_seconds_max") >= 3.0);
    Scrape scrape = Scrape.metrics(app.httpPort());
    assertThat(scrape.labelValues("jobwatch_consumer_lag", "topic"))
        .containsExactlyInAnyOrder(harness.lifecycle, harness.errors);
    assertThat(scrape.labelValues("jobwatch_consumer_lag", "partition"))
        .containsExactlyInAnyOrder("0", "1");
    assertThat(scrape.samples("jobwatch_consumer_lag"))
        .allSatisfy(sample -> assertThat(sample.value()).isZero());
    assertThat(scrape.value("jobwatch_batch_size_records_count")).isPositive();
    assertThat(scrape.value("jobwatch_batch_write_seconds_count")).isPositive();
    assertThat(scrape.value("jobwatch_batch_commit_seconds_count")).isPositive();
    // The event above happened 3 s before it was published: its delay is at least that.
    assertThat(scrape.value("jobwatch_event_delay_seconds_max")).isGreaterThanOrEqualTo(3.0);
    assertThat(scrape.samples("hikaricp_connections_max")).isNotEmpty();
  }

  private Scrape refreshAndScrape() {
    app.refreshState();
    return Scrape.metrics(app.httpPort());
  }

  private static Map<String, Object> stageError(String service, String stage, String errorClass) {
    return data(
        "service",
        service,
        "runner",
        RUNNER,
        "stage",
        stage,
        "error_class",
        errorClass,
        "message",
        "sbatch: connection refused");
  }

  @Test
  @DisplayName(
      "Three ConnectionErrors in submit export service and stage health 2, and stage.ok brings"
          + " both back to 0")
  void serviceHealth() {
    String service = "metrics-health";
    for (int i = 0; i < 3; i++) {
      harness.stageEvent(
          "stage.error", T0.plusSeconds(i), stageError(service, "submit", "ConnectionError"));
    }
    harness.flush();
    Harness.await(
        "three errors folded",
        Duration.ofSeconds(60),
        () ->
            harness.count(
                    "SELECT count(*) FROM stage_health WHERE service = 'metrics-health'"
                        + " AND error_count = 3")
                == 1);

    Scrape failing = refreshAndScrape();
    assertThat(failing.value("jobwatch_service_health", "service", service)).isEqualTo(2.0);
    assertThat(
            failing.value(
                "jobwatch_stage_health", "service", service, "runner", RUNNER, "stage", "submit"))
        .isEqualTo(2.0);
    assertThat(failing.value("jobwatch_runner_health", "service", service, "runner", RUNNER))
        .isEqualTo(2.0);

    harness.applyStage(
        "stage.ok",
        T0.plusSeconds(10),
        data("service", service, "runner", RUNNER, "stage", "submit"));

    Scrape recovered = refreshAndScrape();
    assertThat(recovered.value("jobwatch_service_health", "service", service)).isEqualTo(0.0);
    assertThat(
            recovered.value(
                "jobwatch_stage_health", "service", service, "runner", RUNNER, "stage", "submit"))
        .isEqualTo(0.0);
  }

  @Test
  @DisplayName("One crash blamed on a third party counts 1 in jobwatch_job_crashes_total")
  void crashCounter() {
    String service = "metrics-crash";
    harness.applyLifecycle(
        "job.submitted", T0, data("job_id", "crash-1", "service", service, "runner", RUNNER));
    harness.applyLifecycle(
        "job.crashed",
        T0.plusSeconds(5),
        data(
            "job_id",
            "crash-1",
            "attempt",
            1,
            "blame",
            "third_party",
            "cause",
            "network",
            "details",
            "pypi mirror unreachable"));

    Scrape scrape = refreshAndScrape();
    // Every blame of a service with jobs is exported, at 0 until its first crash.
    assertThat(
            scrape.value("jobwatch_job_crashes_total", "service", service, "blame", "third_party"))
        .isEqualTo(1.0);
    for (String blame : List.of("platform", "task", "unknown")) {
      assertThat(scrape.value("jobwatch_job_crashes_total", "service", service, "blame", blame))
          .as(blame)
          .isEqualTo(0.0);
    }
    assertThat(scrape.samples("jobwatch_job_crashes_total", "service", service)).hasSize(4);
    assertThat(scrape.value("jobwatch_jobs", "service", service, "state", "crashed"))
        .isEqualTo(1.0);
  }

  @Test
  @DisplayName(
      "jobwatch_jobs has every state of a known service, 0 when empty: after its last running job"
          + " ended, and after retention pruned its last job")
  void everyStateOfAKnownServiceAtZeroWhenEmpty() {
    String service = "metrics-every-state";
    // Ended 100 days ago: older than the default JOBWATCH_RETAIN_JOBS (P90D).
    Instant longAgo = Instant.now().minus(Duration.ofDays(100));
    harness.applyLifecycle(
        "job.submitted", longAgo, data("job_id", "every-1", "service", service, "runner", RUNNER));
    harness.applyLifecycle(
        "job.started",
        longAgo.plusSeconds(1),
        data("job_id", "every-1", "runner", RUNNER, "attempt", 1));

    Scrape running = refreshAndScrape();
    assertThat(jobsByState(running, service))
        .containsExactlyInAnyOrderEntriesOf(jobStates(Map.of("running", 1.0)));

    harness.applyLifecycle(
        "job.finished",
        longAgo.plusSeconds(10),
        data("job_id", "every-1", "attempt", 1, "exit_code", 0));
    Scrape finished = refreshAndScrape();
    assertThat(jobsByState(finished, service))
        .as("running drops to 0, it does not vanish")
        .containsExactlyInAnyOrderEntriesOf(jobStates(Map.of("succeeded", 1.0)));

    Harness.CliRun retention = harness.cli("retention");
    assertThat(retention.code()).as(retention.err()).isZero();
    assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id = 'every-1'")).isZero();
    Scrape pruned = refreshAndScrape();
    assertThat(jobsByState(pruned, service))
        .as("a service whose last job was pruned")
        .containsExactlyInAnyOrderEntriesOf(jobStates(Map.of()));
  }

  /** The value of each state of {@code service} in jobwatch_jobs. */
  private static Map<String, Double> jobsByState(Scrape scrape, String service) {
    Map<String, Double> byState = new LinkedHashMap<>();
    for (Scrape.Sample sample : scrape.samples("jobwatch_jobs", "service", service)) {
      byState.put(sample.labels().get("state"), sample.value());
    }
    return byState;
  }

  /** Every job state at 0 except those given. */
  private static Map<String, Double> jobStates(Map<String, Double> nonZero) {
    Map<String, Double> all = new LinkedHashMap<>();
    for (String state : Scrape.JOB_STATES) {
      all.put(state, nonZero.getOrDefault(state, 0.0));
    }
    return all;
  }

  @Test
  @DisplayName(
      "A monitor past its deadline is one-hot at down and exports the deadline the schedule"
          + " gives")
  void monitorDown() {
    Instant declaredAt = Instant.now().minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.SECONDS);
    Instant deadline = declaredAt.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(10));
    harness.applyLifecycle(
        "monitor.declared",
        declaredAt,
        data(
            "monitor",
            "hourly-sync",
            "team",
            "data",
            "schedule",
            data("every", "PT1H"),
            "grace",
            "PT10M"));

    Scrape scrape = refreshAndScrape();
    Map<String, Double> oneHot = new LinkedHashMap<>();
    for (Scrape.Sample sample :
        scrape.samples("jobwatch_monitor_status", "monitor", "hourly-sync", "team", "data")) {
      oneHot.put(sample.labels().get("status"), sample.value());
    }
    assertThat(oneHot)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "new",
                0.0,
                "up",
                0.0,
                "late",
                0.0,
                "down",
                1.0,
                "overrun",
                0.0,
                "too_often",
                0.0,
                "paused",
                0.0));
    assertThat(
            scrape.value(
                "jobwatch_monitor_deadline_timestamp_seconds",
                "monitor",
                "hourly-sync",
                "team",
                "data"))
        .isEqualTo((double) deadline.getEpochSecond());
    assertThat(
            scrape.samples(
                "jobwatch_monitor_last_success_timestamp_seconds", "monitor", "hourly-sync"))
        .isEmpty();

    harness.applyLifecycle(
        "monitor.retired", Instant.now().minusSeconds(1), data("monitor", "hourly-sync"));
    Scrape retired = refreshAndScrape();
    for (String family :
        List.of(
            "jobwatch_monitor_status",
            "jobwatch_monitor_deadline_timestamp_seconds",
            "jobwatch_monitor_last_seen_timestamp_seconds")) {
      assertThat(retired.samples(family, "monitor", "hourly-sync")).as(family).isEmpty();
    }
  }

  @Test
  @DisplayName(
      "A job crashed once counts one crash, whichever of two conflicting crash reports arrives"
          + " first")
  void crashCountedOnceWhateverTheArrivalOrder() {
    String service = "metrics-crash-order";
    harness.applyLifecycle(
        "job.submitted", T0, data("job_id", "crash-order", "service", service, "runner", RUNNER));
    harness.applyLifecycle(
        "job.finished",
        T0.plusSeconds(10),
        data("job_id", "crash-order", "attempt", 1, "exit_code", 137));
    // Arrives later but happened earlier: it ends the job, the exit code becomes history.
    harness.applyLifecycle(
        "job.crashed",
        T0.plusSeconds(5),
        data("job_id", "crash-order", "attempt", 1, "blame", "third_party", "cause", "network"));

    assertThat(harness.job("crash-order"))
        .containsEntry("state", "crashed")
        .containsEntry("blame", "third_party");
    Scrape scrape = refreshAndScrape();
    double crashes =
        scrape.samples("jobwatch_job_crashes_total", "service", service).stream()
            .mapToDouble(Scrape.Sample::value)
            .sum();
    assertThat(crashes).as("crashes counted for one crashed job").isEqualTo(1.0);
    assertThat(
            scrape.value("jobwatch_job_crashes_total", "service", service, "blame", "third_party"))
        .isEqualTo(1.0);
  }

  @Test
  @DisplayName(
      "/healthz and /readyz answer 200 once consuming, and /metrics speaks OpenMetrics when asked")
  void endpoints() {
    Harness.await("the app to be ready", Duration.ofSeconds(60), app::isReady);
    HttpResponse<String> health = Scrape.get(app.httpPort(), "/healthz", null);
    HttpResponse<String> ready = Scrape.get(app.httpPort(), "/readyz", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready\n");

    HttpResponse<String> openMetrics =
        Scrape.get(app.httpPort(), "/metrics", "application/openmetrics-text; version=1.0.0");
    assertThat(openMetrics.statusCode()).isEqualTo(200);
    assertThat(openMetrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/openmetrics-text"));
    assertThat(openMetrics.body()).endsWith("# EOF\n").contains("# TYPE jobwatch_events counter");

    HttpResponse<String> text = Scrape.get(app.httpPort(), "/metrics", null);
    assertThat(text.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(text.body()).doesNotContain("# EOF");
    assertThat(Scrape.of(text.body()).value("jobwatch_ready")).isEqualTo(1.0);
  }

  @Test
  @DisplayName(
      "Three instances on one database and group: the database-derived series come from exactly"
          + " one of them, without duplicates")
  void oneExporterAmongThree(Infra infra) {
    try (Harness shared = new Harness(infra, 3)) {
      List<JobwatchApp> apps = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          apps.add(shared.startApp());
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          ids.add(
              shared.stageEvent(
                  "stage.error",
                  T0.plusSeconds(i),
                  stageError("scale", "submit", "ConnectionError")));
        }
        ids.add(
            shared.lifecycleEvent(
                "job.submitted",
                T0,
                data("job_id", "scale-1", "service", "scale", "runner", RUNNER)));
        ids.add(
            shared.lifecycleEvent(
                "job.crashed",
                T0.plusSeconds(9),
                data("job_id", "scale-1", "attempt", 1, "blame", "platform")));
        Instant now = Instant.now();
        ids.add(
            shared.lifecycleEvent(
                "monitor.declared",
                now.minus(Duration.ofHours(2)),
                data(
                    "monitor",
                    "scale-monitor",
                    "team",
                    "ops",
                    "schedule",
                    data("every", "PT1H"),
                    "grace",
                    "PT5M")));
        ids.add(
            shared.lifecycleEvent(
                "job.started",
                now.minusSeconds(60),
                data(
                    "job_id",
                    "scale-run",
                    "service",
                    "scale",
                    "runner",
                    RUNNER,
                    "attempt",
                    1,
                    "monitor",
                    "scale-monitor")));
        ids.add(
            shared.lifecycleEvent(
                "job.finished",
                now.minusSeconds(30),
                data("job_id", "scale-run", "attempt", 1, "exit_code", 0)));
        shared.awaitStored(ids.toArray(String[]::new));
        for (JobwatchApp instance : apps) {
          instance.refreshState();
        }

        List<Scrape> scrapes = apps.stream().map(a -> Scrape.metrics(a.httpPort())).toList();
        List<Integer> exporters = new ArrayList<>();
        for (int i = 0; i < scrapes.size(); i++) {
          if (scrapes.get(i).value("jobwatch_exporter_active") == 1.0) {
            exporters.add(i);
          }
        }
        assertThat(exporters).as("instances exporting the database state").hasSize(1);
        Scrape exporter = scrapes.get(exporters.get(0));
        for (String family :
            List.of(
                "jobwatch_service_health",
                "jobwatch_stage_health",
                "jobwatch_jobs",
                "jobwatch_job_crashes_total",
                "jobwatch_monitor_status",
                "jobwatch_monitor_last_success_timestamp_seconds",
                "jobwatch_monitor_deadline_timestamp_seconds")) {
          assertThat(exporter.samples(family)).as("%s on the exporter", family).isNotEmpty();
          long instancesWithFamily =
              scrapes.stream().filter(s -> !s.samples(family).isEmpty()).count();
          assertThat(instancesWithFamily).as("instances serving %s", family).isEqualTo(1);
        }
        List<String> series = new ArrayList<>();
        for (Scrape scrape : scrapes) {
          for (String family : DATABASE_FAMILIES) {
            scrape.samples(family).forEach(sample -> series.add(sample.series()));
          }
        }
        assertThat(series).doesNotHaveDuplicates();
        assertThat(exporter.value("jobwatch_service_health", "service", "scale")).isEqualTo(2.0);
        assertThat(
                exporter.value(
                    "jobwatch_job_crashes_total", "service", "scale", "blame", "platform"))
            .isEqualTo(1.0);
        assertThat(
                exporter.value(
                    "jobwatch_monitor_status", "monitor", "scale-monitor", "status", "up"))
            .isEqualTo(1.0);
      } finally {
        apps.forEach(JobwatchApp::close);
      }
    }
  }

  @Test
  @DisplayName(
      "After a rebalance each instance serves jobwatch_consumer_lag for its own partitions only:"
          + " the series of a revoked partition leave the instance that gave it up")
  void lagSeriesFollowTheAssignment(Infra infra) {
    try (Harness shared = new Harness(infra, 2);
        JobwatchApp first = shared.startApp()) {
      Harness.await(
          "the first instance to report lag for all four partitions",
          Duration.ofSeconds(60),
          () -> lagPartitions(first).size() == 4);
      try (JobwatchApp second = shared.startApp()) {
        Harness.await(
            "both instances to report lag for disjoint halves of the partitions",
            Duration.ofSeconds(120),
            () -> {
              Set<String> mine = lagPartitions(first);
              Set<String> theirs = lagPartitions(second);
              Set<String> union = new HashSet<>(mine);
              union.addAll(theirs);
              return !mine.isEmpty()
                  && !theirs.isEmpty()
                  && union.size() == 4
                  && mine.size() + theirs.size() == 4;
            });
      }
      Harness.await(
          "the first instance to take every partition back once the second stopped",
          Duration.ofSeconds(120),
          () -> lagPartitions(first).size() == 4);
    }
  }

  /** The (topic, partition) pairs an instance serves consumer lag for. */
  private static Set<String> lagPartitions(JobwatchApp instance) {
    Set<String> partitions = new HashSet<>();
    for (Scrape.Sample sample :
        Scrape.metrics(instance.httpPort()).samples("jobwatch_consumer_lag")) {
      partitions.add(sample.labels().get("topic") + "/" + sample.labels().get("partition"));
    }
    return partitions;
  }

  @Test
  @DisplayName(
      "Ten thousand service names with a cap of 50 export at most 50 service values and count"
          + " the rest as overflow")
  void labelCap(Infra infra) {
    int services = 10_000;
    try (Harness capped = new Harness(infra, 2, Map.of("JOBWATCH_MAX_LABEL_VALUES", "50"));
        JobwatchApp cappedApp = capped.startApp()) {
      for (int i = 0; i < services; i++) {
        capped.stageEvent(
            "stage.error", T0.plusMillis(i), stageError("svc-" + i, "submit", "ConnectionError"));
      }
      capped.flush();
      Harness.await(
          "all services folded",
          Duration.ofSeconds(240),
          () -> capped.count("SELECT count(*) FROM stage_health") == services);

      cappedApp.refreshState();
      Scrape scrape = Scrape.metrics(cappedApp.httpPort());
      Set<String> exported = scrape.labelValues("jobwatch_service_health", "service");
      assertThat(exported).hasSizeBetween(1, 50);
      assertThat(scrape.labelValues("jobwatch_stage_health", "service")).isSubsetOf(exported);
      Set<String> everyService = new HashSet<>();
      for (Scrape.Sample sample : scrape.samples) {
        if (sample.labels().containsKey("service")) {
          everyService.add(sample.labels().get("service"));
        }
      }
      assertThat(everyService).hasSizeLessThanOrEqualTo(50);
      assertThat(scrape.value("jobwatch_label_overflow_total", "label", "service"))
          .isGreaterThanOrEqualTo(services - 50.0);
    }
  }

  @Test
  @DisplayName(
      "The label cap forgets: with a cap of 3, services quiet for longer than the TTL give their"
          + " place to new ones")
  void labelCapForgetsQuietValues(Infra infra) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (Harness churn =
            new Harness(
                infra, 1, Map.of("JOBWATCH_MAX_LABEL_VALUES", "3", "JOBWATCH_LABEL_TTL", "PT1H"));
        JobwatchApp churnApp = churn.startApp()) {
      for (int i = 1; i <= 3; i++) {
        churn.stageEvent(
            "stage.error",
            now.minus(Duration.ofHours(3)).plusSeconds(i),
            stageError("churn-old-" + i, "submit", "ConnectionError"));
      }
      churn.flush();
      Harness.await(
          "old services folded",
          Duration.ofSeconds(60),
          () -> churn.count("SELECT count(*) FROM stage_health") == 3);
      churnApp.refreshState();
      Set<String> before =
          Scrape.metrics(churnApp.httpPort()).labelValues("jobwatch_service_health", "service");
      assertThat(before).containsExactlyInAnyOrder("churn-old-1", "churn-old-2", "churn-old-3");

      for (int i = 1; i <= 2; i++) {
        churn.stageEvent(
            "stage.error",
            now.plusSeconds(i),
            stageError("churn-new-" + i, "submit", "ConnectionError"));
      }
      churn.flush();
      Harness.await(
          "new services folded",
          Duration.ofSeconds(60),
          () -> churn.count("SELECT count(*) FROM stage_health") == 5);
      churnApp.refreshState();
      Scrape scrape = Scrape.metrics(churnApp.httpPort());
      Set<String> after = scrape.labelValues("jobwatch_service_health", "service");

      // Still at most 3 values, and both new services are in: two quiet old ones made room.
      assertThat(after).hasSize(3).contains("churn-new-1", "churn-new-2");
      assertThat(after).containsAnyOf("churn-old-1", "churn-old-2", "churn-old-3");
    }
  }

  @Test
  @DisplayName("promtool check metrics accepts the scraped text")
  void promtoolAcceptsTheScrape() throws IOException, InterruptedException {
    String promtool = onPath("promtool");
    // Never skipped: a check that does not run checks nothing. .ci/run installs promtool.
    assertThat(promtool)
        .as(
            "promtool is not on PATH; .ci/run installs the Debian package prometheus, locally run"
                + " apt-get install -y prometheus")
        .isNotNull();
    harness.applyStage(
        "stage.error",
        T0,
        stageError("metrics-promtool", "check_status", "subprocess.CalledProcessError"));
    String text = refreshAndScrape().text;
    assertThat(text).contains("jobwatch_stage_health{");

    Process process =
        new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true).start();
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(text.getBytes(StandardCharsets.UTF_8));
    }
    String output;
    try (InputStream stdout = process.getInputStream()) {
      output = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(output).as("promtool output").isEmpty();
    assertThat(process.exitValue()).as("promtool exit code").isZero();
  }

  private static String onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String directory : path.split(File.pathSeparator)) {
      File candidate = new File(directory, command);
      if (candidate.isFile() && candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    return null;
  }
}
