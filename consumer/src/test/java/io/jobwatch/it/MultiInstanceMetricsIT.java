package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What Prometheus gets from several instances on one database while partitions move between them
 * (an instance joining, one stopping): the pipeline families summed over the instances and the
 * database-derived families of the one exporter, each compared with a reference query over the rows
 * written from docs/alerts.md ("One exporter at a time") and the brief.
 */
@WithInfra
class MultiInstanceMetricsIT {
  private static final String RUNNER = "slurm";
  private static final List<String> SEVERITIES = List.of("ok", "warning", "error", "fatal");

  /** What this test published, per topic: records in all, and publisher retries among them. */
  private final Map<String, Integer> published = new HashMap<>();

  private final Map<String, Integer> retries = new HashMap<>();

  @Test
  @DisplayName(
      "Two, then three, then two instances: jobwatch_events_total summed over them equals the"
          + " rows by outcome, each partition's lag comes from one instance, and the one exporter's"
          + " jobs, crashes, service health and one-hot monitor status equal the reference queries")
  void everyFamilyMatchesTheRowsAcrossRebalances(Infra infra) {
    try (Harness harness = new Harness(infra, 2)) {
      Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(30));
      List<JobwatchApp> running = new ArrayList<>();
      List<JobwatchApp> stopped = new ArrayList<>();
      try {
        running.add(harness.startApp());
        running.add(harness.startApp());
        declareMonitors(harness, t0);
        publishRound(harness, 0, t0);
        awaitAllCounted(harness, running, stopped);

        running.add(harness.startApp());
        publishRound(harness, 1, t0.plusSeconds(60));
        JobwatchApp leaving = running.remove(0);
        leaving.close();
        stopped.add(leaving);
        publishRound(harness, 2, t0.plusSeconds(120));
        retireMonitor(harness, t0.plusSeconds(180));
        awaitAllCounted(harness, running, stopped);

        assertEventsMatchTheRows(harness, running, stopped);
        assertLagFromOneInstancePerPartition(running);
        assertExportedFamiliesMatchTheRows(harness, running);

        // The exporter stops: the survivor takes the lease and serves the same values.
        JobwatchApp exporter = exporterOf(running);
        running.remove(exporter);
        exporter.close();
        stopped.add(exporter);
        assertLagFromOneInstancePerPartition(running);
        assertExportedFamiliesMatchTheRows(harness, running);
      } finally {
        running.forEach(JobwatchApp::close);
      }
    }
  }

  @Test
  @DisplayName(
      "An instance frozen (SIGSTOP) past its Kafka session and its exporter lease: the other takes"
          + " its partitions and the lease; thawed, it serves neither the lag of partitions it lost"
          + " nor the database-derived series, and the events summed over both equal the rows")
  void frozenInstanceGivesUpItsPartitionsAndTheLease(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 2)) {
      Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(30));
      int port;
      try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
        port = free.getLocalPort();
      }
      try (ConsumerProcess frozen =
          ConsumerProcess.start(
              harness,
              Map.of(
                  "JOBWATCH_HTTP_PORT",
                  Integer.toString(port),
                  "JOBWATCH_STATE_REFRESH",
                  "PT1S"))) {
        Harness.await(
            "the child to export the database state",
            Duration.ofSeconds(120),
            () -> {
              try {
                return Scrape.metrics(port).value("jobwatch_exporter_active") == 1.0;
              } catch (AssertionError | RuntimeException notYet) {
                return false;
              }
            });
        try (JobwatchApp survivor = harness.startApp()) {
          declareMonitors(harness, t0);
          publishRound(harness, 0, t0);
          harness.flush();
          Harness.await(
              "both instances to serve the lag of disjoint partitions, all consumed",
              Duration.ofSeconds(120),
              () -> lagServedOnce(List.of(port, survivor.httpPort()), true));

          frozen.signal("STOP");
          try {
            publishRound(harness, 1, t0.plusSeconds(60));
            retireMonitor(harness, t0.plusSeconds(90));
            harness.flush();
            Harness.await(
                "the survivor to consume every partition and export",
                Duration.ofSeconds(120),
                () -> {
                  survivor.refreshState();
                  return lagServedOnce(List.of(survivor.httpPort()), false)
                      && Scrape.metrics(survivor.httpPort()).value("jobwatch_exporter_active")
                          == 1.0;
                });
          } finally {
            frozen.signal("CONT");
          }
          publishRound(harness, 2, t0.plusSeconds(120));
          harness.flush();
          Harness.await(
              "every record counted over both instances, lag served once per partition",
              Duration.ofSeconds(120),
              () -> {
                double total = 0;
                for (int instance : List.of(port, survivor.httpPort())) {
                  for (Scrape.Sample sample :
                      Scrape.metrics(instance).samples("jobwatch_events_total")) {
                    if (sample.labels().get("topic").equals(harness.lifecycle)
                        || sample.labels().get("topic").equals(harness.errors)) {
                      total += sample.value();
                    }
                  }
                }
                return total >= publishedTotal()
                    && lagServedOnce(List.of(port, survivor.httpPort()), false);
              });
          survivor.refreshState();
          Harness.await(
              "the thawed child to withdraw the database-derived series",
              Duration.ofSeconds(60),
              () -> Scrape.metrics(port).samples("jobwatch_jobs").isEmpty());
          Scrape child = Scrape.metrics(port);
          assertThat(child.value("jobwatch_exporter_active")).isZero();
          for (String family :
              List.of(
                  "jobwatch_service_health",
                  "jobwatch_monitor_status",
                  "jobwatch_job_crashes_total",
                  "jobwatch_watermark_timestamp_seconds")) {
            assertThat(child.samples(family)).as("%s on the thawed child", family).isEmpty();
          }
          for (String topic : List.of(harness.lifecycle, harness.errors)) {
            for (Outcome outcome : Outcome.values()) {
              double sum = 0;
              for (int instance : List.of(port, survivor.httpPort())) {
                sum +=
                    Scrape.metrics(instance)
                        .samples(
                            "jobwatch_events_total", "topic", topic, "outcome", outcome.wireName())
                        .stream()
                        .mapToDouble(Scrape.Sample::value)
                        .sum();
              }
              assertThat(sum)
                  .as("jobwatch_events_total{topic=%s,outcome=%s} summed", topic, outcome)
                  .isEqualTo(expectedCount(harness, topic, outcome));
            }
          }
          assertExportedFamiliesMatchTheRows(harness, List.of(survivor));
        }
      }
    }
  }

  private double expectedCount(Harness harness, String topic, Outcome outcome) {
    switch (outcome) {
      case APPLIED:
      case IGNORED:
        return harness.count(
            "SELECT count(*) FROM job_events WHERE outcome = '"
                + outcome.wireName()
                + "' AND topic = '"
                + topic
                + "'");
      case DEAD_LETTERED:
        return harness.count("SELECT count(*) FROM dead_letters WHERE topic = '" + topic + "'");
      case DUPLICATE:
        return retries.getOrDefault(topic, 0);
      default:
        throw new IllegalArgumentException(outcome.toString());
    }
  }

  /**
   * Whether the instances on these ports serve the lag of all four partitions, each exactly once,
   * all at 0 (and every instance some of them if {@code eachServesSome}).
   */
  private static boolean lagServedOnce(List<Integer> ports, boolean eachServesSome) {
    Map<String, Integer> servedBy = new HashMap<>();
    double lag = 0;
    for (int port : ports) {
      List<Scrape.Sample> samples = Scrape.metrics(port).samples("jobwatch_consumer_lag");
      if (eachServesSome && samples.isEmpty()) {
        return false;
      }
      for (Scrape.Sample sample : samples) {
        servedBy.merge(
            sample.labels().get("topic") + "/" + sample.labels().get("partition"), 1, Integer::sum);
        lag += sample.value();
      }
    }
    return servedBy.size() == 4 && servedBy.values().stream().allMatch(n -> n == 1) && lag == 0;
  }

  private void declareMonitors(Harness harness, Instant t0) {
    for (String monitor : List.of("mi-keep", "mi-gone")) {
      send(
          harness,
          harness.lifecycle,
          monitor,
          "monitor.declared",
          t0.minus(Duration.ofHours(2)),
          Envelopes.hourlyMonitor(monitor));
    }
    String run = "mi-keep-run";
    send(
        harness,
        harness.lifecycle,
        run,
        "job.started",
        t0,
        data(
            "job_id", run, "service", "cron", "runner", RUNNER, "attempt", 1, "monitor",
            "mi-keep"));
    send(
        harness,
        harness.lifecycle,
        run,
        "job.finished",
        t0.plusSeconds(5),
        data("job_id", run, "attempt", 1, "exit_code", 0));
  }

  private void retireMonitor(Harness harness, Instant at) {
    send(harness, harness.lifecycle, "mi-gone", "monitor.retired", at, data("monitor", "mi-gone"));
  }

  /**
   * Ten jobs of three services (every fourth crashes, the others succeed), a status after the end
   * of one (ignored), a publisher retry (duplicate), a stage failing three times (error) and one
   * record that is not JSON (dead letter).
   */
  private void publishRound(Harness harness, int round, Instant at) {
    for (int i = 0; i < 10; i++) {
      String job = "mi-" + round + "-" + i;
      String service = "mi-svc" + (i % 3);
      send(
          harness,
          harness.lifecycle,
          job,
          "job.submitted",
          at,
          data("job_id", job, "service", service, "runner", RUNNER));
      send(
          harness,
          harness.lifecycle,
          job,
          "job.started",
          at.plusSeconds(1),
          data("job_id", job, "runner", RUNNER, "attempt", 1));
      if (i % 4 == 0) {
        send(
            harness,
            harness.lifecycle,
            job,
            "job.crashed",
            at.plusSeconds(2),
            data("job_id", job, "attempt", 1, "blame", "platform", "cause", "oom"));
      } else {
        send(
            harness,
            harness.lifecycle,
            job,
            "job.finished",
            at.plusSeconds(2),
            data("job_id", job, "attempt", 1, "exit_code", 0));
      }
    }
    String late = "mi-" + round + "-1";
    send(
        harness,
        harness.lifecycle,
        late,
        "job.status",
        at.plusSeconds(3),
        data("job_id", late, "attempt", 1, "activity", "after the end"));
    String retried =
        send(
            harness,
            harness.errors,
            "mi-svc0",
            "stage.error",
            at.plusSeconds(4),
            stageError("mi-svc0", "check_status"));
    harness.send(
        harness.errors,
        "mi-svc0",
        Envelopes.event(
            retried,
            "stage.error",
            at.plusSeconds(4),
            Envelopes.json(stageError("mi-svc0", "check_status"))));
    count(harness.errors, 1);
    retries.merge(harness.errors, 1, Integer::sum);
    for (int i = 5; i < 7; i++) {
      send(
          harness,
          harness.errors,
          "mi-svc0",
          "stage.error",
          at.plusSeconds(i),
          stageError("mi-svc0", "check_status"));
    }
    harness.send(harness.lifecycle, "mi-" + round + "-bad", "not json");
    count(harness.lifecycle, 1);
    harness.flush();
  }

  private static Map<String, Object> stageError(String service, String stage) {
    return data(
        "service",
        service,
        "runner",
        RUNNER,
        "stage",
        stage,
        "error_class",
        "ConnectionError",
        "message",
        "squeue: connection refused");
  }

  private String send(
      Harness harness,
      String topic,
      String key,
      String type,
      Instant time,
      Map<String, Object> data) {
    String id = UUID.randomUUID().toString();
    harness.send(topic, key, Envelopes.event(id, type, time, Envelopes.json(data)));
    count(topic, 1);
    return id;
  }

  private void count(String topic, int records) {
    published.merge(topic, records, Integer::sum);
  }

  private int publishedTotal() {
    return published.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static double counted(Harness harness, List<JobwatchApp> apps, Outcome outcome) {
    double total = 0;
    for (JobwatchApp app : apps) {
      total += app.pipelineMetrics().count(harness.lifecycle, outcome);
      total += app.pipelineMetrics().count(harness.errors, outcome);
    }
    return total;
  }

  private void awaitAllCounted(
      Harness harness, List<JobwatchApp> running, List<JobwatchApp> stopped) {
    harness.flush();
    List<JobwatchApp> all = new ArrayList<>(running);
    all.addAll(stopped);
    Harness.await(
        publishedTotal() + " records counted over the instances",
        Duration.ofSeconds(120),
        () -> {
          double total = 0;
          for (Outcome outcome : Outcome.values()) {
            total += counted(harness, all, outcome);
          }
          return total >= publishedTotal();
        });
  }

  private void assertEventsMatchTheRows(
      Harness harness, List<JobwatchApp> running, List<JobwatchApp> stopped) {
    List<JobwatchApp> all = new ArrayList<>(running);
    all.addAll(stopped);
    for (String topic : List.of(harness.lifecycle, harness.errors)) {
      Map<Outcome, Double> byOutcome = new HashMap<>();
      for (Outcome outcome : Outcome.values()) {
        double sum = 0;
        for (JobwatchApp app : all) {
          sum += app.pipelineMetrics().count(topic, outcome);
        }
        byOutcome.put(outcome, sum);
      }
      Map<Outcome, Long> expected = new HashMap<>();
      expected.put(
          Outcome.APPLIED,
          harness.count(
              "SELECT count(*) FROM job_events WHERE outcome = 'applied' AND topic = '"
                  + topic
                  + "'"));
      expected.put(
          Outcome.IGNORED,
          harness.count(
              "SELECT count(*) FROM job_events WHERE outcome = 'ignored' AND topic = '"
                  + topic
                  + "'"));
      expected.put(
          Outcome.DEAD_LETTERED,
          harness.count("SELECT count(*) FROM dead_letters WHERE topic = '" + topic + "'"));
      expected.put(Outcome.DUPLICATE, (long) retries.getOrDefault(topic, 0));
      for (Outcome outcome : Outcome.values()) {
        assertThat(byOutcome.get(outcome))
            .as("jobwatch_events_total{topic=%s,outcome=%s} summed over instances", topic, outcome)
            .isEqualTo(expected.get(outcome).doubleValue());
      }
      assertThat(byOutcome.values().stream().mapToDouble(Double::doubleValue).sum())
          .as("records of %s counted", topic)
          .isEqualTo(published.get(topic).doubleValue());
    }
  }

  private static void assertLagFromOneInstancePerPartition(List<JobwatchApp> running) {
    Harness.await(
        "every partition's lag served by exactly one instance, at 0",
        Duration.ofSeconds(120),
        () -> {
          Map<String, Integer> servedBy = new HashMap<>();
          double lag = 0;
          for (JobwatchApp app : running) {
            for (Scrape.Sample sample :
                Scrape.metrics(app.httpPort()).samples("jobwatch_consumer_lag")) {
              servedBy.merge(
                  sample.labels().get("topic") + "/" + sample.labels().get("partition"),
                  1,
                  Integer::sum);
              lag += sample.value();
            }
          }
          return servedBy.size() == 4
              && servedBy.values().stream().allMatch(n -> n == 1)
              && lag == 0;
        });
  }

  private static JobwatchApp exporterOf(List<JobwatchApp> running) {
    List<JobwatchApp> exporters = new ArrayList<>();
    for (JobwatchApp app : running) {
      if (Scrape.metrics(app.httpPort()).value("jobwatch_exporter_active") == 1.0) {
        exporters.add(app);
      }
    }
    assertThat(exporters).as("instances exporting the database state").hasSize(1);
    return exporters.get(0);
  }

  private static void assertExportedFamiliesMatchTheRows(
      Harness harness, List<JobwatchApp> running) {
    Harness.await(
        "one instance to export",
        Duration.ofSeconds(60),
        () -> {
          running.forEach(JobwatchApp::refreshState);
          return running.stream()
                  .filter(
                      app -> Scrape.metrics(app.httpPort()).value("jobwatch_exporter_active") == 1)
                  .count()
              == 1;
        });
    running.forEach(JobwatchApp::refreshState);
    JobwatchApp exporter = exporterOf(running);
    Scrape scrape = Scrape.metrics(exporter.httpPort());
    assertThat(scrape.samples("jobwatch_watermark_timestamp_seconds")).hasSize(1);
    for (JobwatchApp other : running) {
      if (other != exporter) {
        Scrape theirs = Scrape.metrics(other.httpPort());
        for (String family :
            List.of(
                "jobwatch_jobs",
                "jobwatch_job_crashes_total",
                "jobwatch_service_health",
                "jobwatch_monitor_status",
                "jobwatch_watermark_timestamp_seconds")) {
          assertThat(theirs.samples(family)).as("%s on a non-exporter", family).isEmpty();
        }
      }
    }

    Map<String, Double> jobs = new HashMap<>();
    for (Map<String, Object> row :
        harness.rows(
            "SELECT coalesce(service, 'unknown') AS service, state, count(*) AS n FROM jobs"
                + " GROUP BY 1, 2")) {
      jobs.put(row.get("service") + "/" + row.get("state"), ((Number) row.get("n")).doubleValue());
    }
    Set<String> services = new HashSet<>();
    jobs.keySet().forEach(key -> services.add(key.substring(0, key.indexOf('/'))));
    Map<String, Double> exportedJobs = new HashMap<>();
    for (Scrape.Sample sample : scrape.samples("jobwatch_jobs")) {
      exportedJobs.put(
          sample.labels().get("service") + "/" + sample.labels().get("state"), sample.value());
    }
    for (String service : services) {
      for (String state : Scrape.JOB_STATES) {
        assertThat(exportedJobs.get(service + "/" + state))
            .as("jobwatch_jobs{service=%s,state=%s}", service, state)
            .isEqualTo(jobs.getOrDefault(service + "/" + state, 0.0));
      }
    }
    assertThat(exportedJobs).hasSize(services.size() * 8);

    for (Map<String, Object> row :
        harness.rows(
            "SELECT service, blame, count(*) AS n FROM job_attempt_crashes GROUP BY 1, 2")) {
      assertThat(
              scrape.value(
                  "jobwatch_job_crashes_total",
                  "service",
                  (String) row.get("service"),
                  "blame",
                  (String) row.get("blame")))
          .as("jobwatch_job_crashes_total of %s", row)
          .isEqualTo(((Number) row.get("n")).doubleValue());
    }

    List<Map<String, Object>> health =
        harness.rows("SELECT service, severity::text AS severity FROM service_health");
    assertThat(scrape.samples("jobwatch_service_health")).hasSize(health.size());
    for (Map<String, Object> row : health) {
      assertThat(scrape.value("jobwatch_service_health", "service", (String) row.get("service")))
          .as("jobwatch_service_health of %s", row)
          .isEqualTo(SEVERITIES.indexOf((String) row.get("severity")));
    }

    List<Map<String, Object>> monitors =
        harness.rows("SELECT monitor, team, status FROM monitor_status WHERE status <> 'retired'");
    Set<String> exportedMonitors = new HashSet<>();
    for (Scrape.Sample sample : scrape.samples("jobwatch_monitor_status")) {
      exportedMonitors.add(sample.labels().get("monitor"));
    }
    assertThat(exportedMonitors).containsExactly("mi-keep");
    for (Map<String, Object> row : monitors) {
      String monitor = (String) row.get("monitor");
      List<Scrape.Sample> hot =
          scrape.samples("jobwatch_monitor_status", "monitor", monitor).stream()
              .filter(sample -> sample.value() == 1.0)
              .toList();
      assertThat(hot).as("statuses at 1 of %s", monitor).hasSize(1);
      assertThat(hot.get(0).labels().get("status")).isEqualTo(row.get("status"));
      assertThat(hot.get(0).labels().get("team")).isEqualTo(row.get("team"));
    }
  }
}
