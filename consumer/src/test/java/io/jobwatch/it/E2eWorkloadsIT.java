package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Real workloads end to end: the event streams Kubernetes, Airflow, Grid Engine and the CloudEvents
 * SDKs produce when wired to jobwatch as docs/publishing.md says, through Kafka into PostgreSQL and
 * /metrics. Expectations come from the product brief and the operators' documentation.
 */
class E2eWorkloadsIT extends SharedAppIT {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private final List<String> sent = new ArrayList<>();

  private static Instant t(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000));
  }

  private String ev(String type, Instant time, Map<String, Object> data) {
    String id = harness.lifecycleEvent(type, time, data);
    sent.add(id);
    return id;
  }

  private void awaitSent() {
    harness.awaitStored(sent.toArray(String[]::new));
    sent.clear();
  }

  private Scrape scrape() {
    app.refreshState();
    return Scrape.metrics(app.httpPort());
  }

  @Test
  @DisplayName(
      "Kubernetes: pods that never pull their image (job.crashed platform/not_started) put the"
          + " runner's start stage in error like exit 127 does; a pod that starts brings it back")
  void imagePullBackOffIsAStartError() {
    String svc = "wl-k8s-pull";
    for (int i = 0; i < 3; i++) {
      String job = "pull-" + i;
      long b = i * 60L;
      ev("job.submitted", t(b), data("job_id", job, "service", svc));
      ev("job.queued", t(b + 1), data("job_id", job, "attempt", 1, "runner", "k8s"));
      ev(
          "job.crashed",
          t(b + 30),
          data(
              "job_id",
              job,
              "attempt",
              1,
              "blame",
              "platform",
              "cause",
              "not_started",
              "details",
              "ImagePullBackOff: registry.internal/blast:2.1 not found"));
    }
    // A task's own bad image reference is the task's fault, not the runner's.
    ev("job.submitted", t(200), data("job_id", "pull-task", "service", svc));
    ev("job.queued", t(201), data("job_id", "pull-task", "attempt", 1, "runner", "k8s"));
    ev(
        "job.crashed",
        t(202),
        data("job_id", "pull-task", "attempt", 1, "blame", "task", "cause", "not_started"));
    awaitSent();

    assertThat(harness.job("pull-2"))
        .containsEntry("state", "crashed")
        .containsEntry("blame", "platform")
        .containsEntry("cause", "not_started")
        .containsEntry("runner", "k8s");
    Map<String, Object> start = harness.stage(svc, "k8s", "start");
    assertThat(start.get("severity")).as("start severity").isEqualTo("error");
    assertThat(((Number) start.get("consecutive_errors")).intValue()).isEqualTo(3);
    assertThat(start.get("last_error_class")).isEqualTo("NotStarted");
    assertThat((String) start.get("last_error_message")).contains("ImagePullBackOff");
    assertThat(start.get("last_error_job_id")).isEqualTo("pull-2");
    assertThat(Harness.instant(start.get("since"))).isEqualTo(t(150));
    assertThat(harness.stage(svc, "k8s", "submit").get("severity")).isEqualTo("ok");
    Scrape s = scrape();
    assertThat(s.value("jobwatch_stage_health", "service", svc, "runner", "k8s", "stage", "start"))
        .isEqualTo(2.0);
    assertThat(s.value("jobwatch_service_health", "service", svc)).isEqualTo(2.0);
    assertThat(s.value("jobwatch_job_crashes_total", "service", svc, "blame", "platform"))
        .isEqualTo(3.0);
    assertThat(s.value("jobwatch_job_crashes_total", "service", svc, "blame", "task"))
        .isEqualTo(1.0);

    ev("job.submitted", t(300), data("job_id", "pull-ok", "service", svc));
    ev("job.queued", t(301), data("job_id", "pull-ok", "attempt", 1, "runner", "k8s"));
    ev("job.started", t(310), data("job_id", "pull-ok", "runner", "k8s", "attempt", 1));
    awaitSent();
    assertThat(harness.stage(svc, "k8s", "start").get("severity")).isEqualTo("ok");
    assertThat(
            scrape()
                .value("jobwatch_stage_health", "service", svc, "runner", "k8s", "stage", "start"))
        .isEqualTo(0.0);
  }

  @Test
  @DisplayName(
      "Kubernetes OOMKilled: exit 137 and a job.crashed platform/oom of the same attempt, in either"
          + " order of time and arrival, read as one platform crash, never as signal_9 as well")
  void oomKilledWithCrashReport() {
    String svc = "wl-k8s-oom";
    double[] reportOffsets = {0, 0.5, -0.5};
    for (int i = 0; i < reportOffsets.length; i++) {
      String job = "oom-" + i;
      long b = i * 60L;
      Map<String, Object> finished = data("job_id", job, "attempt", 1, "exit_code", 137);
      Map<String, Object> report =
          data("job_id", job, "attempt", 1, "blame", "platform", "cause", "oom");
      ev("job.submitted", t(b), data("job_id", job, "service", svc, "runner", "k8s"));
      ev("job.started", t(b + 2), data("job_id", job, "runner", "k8s", "attempt", 1));
      if (i % 2 == 0) {
        ev("job.crashed", t(b + 10 + reportOffsets[i]), report);
        ev("job.finished", t(b + 10), finished);
      } else {
        ev("job.finished", t(b + 10), finished);
        ev("job.crashed", t(b + 10 + reportOffsets[i]), report);
      }
    }
    awaitSent();
    for (int i = 0; i < reportOffsets.length; i++) {
      assertThat(harness.job("oom-" + i))
          .as("oom-" + i)
          .containsEntry("state", "crashed")
          .containsEntry("blame", "platform")
          .containsEntry("cause", "oom");
    }
    Scrape s = scrape();
    assertThat(s.value("jobwatch_job_crashes_total", "service", svc, "blame", "platform"))
        .isEqualTo(3.0);
    assertThat(s.samples("jobwatch_job_crashes_total", "service", svc, "blame", "unknown"))
        .allSatisfy(sample -> assertThat(sample.value()).isZero());
    assertThat(harness.stage(svc, "k8s", "start").get("severity")).isEqualTo("ok");
  }

  @Test
  @DisplayName(
      "Airflow: try_number as attempt, up_for_retry then success, a cleared task re-run as a new"
          + " attempt; Grid Engine qdel before the kill is a cancel, not a crash")
  void airflowRetriesAndGridEngineQdel() {
    String svc = "wl-airflow";
    String job = "dag.task.2026-11-22";
    ev("job.submitted", t(0), data("job_id", job, "service", svc, "runner", "celery"));
    ev("job.queued", t(1), data("job_id", job, "attempt", 1, "runner", "celery"));
    ev("job.started", t(2), data("job_id", job, "runner", "celery", "attempt", 1, "host", "w1"));
    ev("job.status", t(3), data("job_id", job, "attempt", 1, "error", "HTTP 503 from API"));
    ev("job.finished", t(4), data("job_id", job, "attempt", 1, "exit_code", 1));
    ev("job.requeued", t(5), data("job_id", job, "attempt", 2, "reason", "up_for_retry"));
    ev("job.started", t(65), data("job_id", job, "runner", "celery", "attempt", 2, "host", "w2"));
    ev("job.finished", t(70), data("job_id", job, "attempt", 2, "exit_code", 0));
    awaitSent();
    assertThat(harness.job(job))
        .containsEntry("state", "succeeded")
        .containsEntry("attempt", 2)
        .containsEntry("exit_code", 0)
        .containsEntry("runtime_error", null)
        .containsEntry("host", "w2");
    ev("job.requeued", t(600), data("job_id", job, "attempt", 3, "reason", "cleared"));
    ev("job.started", t(601), data("job_id", job, "runner", "celery", "attempt", 3));
    awaitSent();
    Map<String, Object> row = harness.job(job);
    assertThat(row)
        .containsEntry("state", "running")
        .containsEntry("attempt", 3)
        .containsEntry("exit_code", null)
        .containsEntry("finished_at", null);
    assertThat(Harness.instant(row.get("started_at"))).isEqualTo(t(601));

    String qdel = "sge-4711";
    ev("job.submitted", t(0), data("job_id", qdel, "service", svc, "runner", "sge"));
    ev("job.started", t(1), data("job_id", qdel, "runner", "sge", "attempt", 1));
    ev("job.cancelled", t(9.5), data("job_id", qdel, "reason", "qdel by operator"));
    String kill = ev("job.finished", t(10), data("job_id", qdel, "attempt", 1, "exit_code", 137));
    awaitSent();
    assertThat(harness.job(qdel))
        .containsEntry("state", "cancelled")
        .containsEntry("blame", null)
        .containsEntry("exit_code", null);
    assertThat(harness.outcome(kill)).isEqualTo("ignored");
    Scrape s = scrape();
    assertThat(s.value("jobwatch_jobs", "service", svc, "state", "running")).isEqualTo(1.0);
    assertThat(s.value("jobwatch_jobs", "service", svc, "state", "cancelled")).isEqualTo(1.0);
    assertThat(s.samples("jobwatch_job_crashes_total", "service", svc))
        .allSatisfy(sample -> assertThat(sample.value()).isZero());
  }

  @Test
  @DisplayName(
      "sdk-go in binary mode with sarama's partitioner: one job's events on both partitions,"
          + " nanosecond and +02:00 times, an integer as 1.0, a retried send with a later Kafka"
          + " timestamp, extension headers; folded once")
  void goPublisherSplitOverPartitions() {
    String job = "go-7f3a";
    String svc = "wl-go";
    binary(
        0,
        job,
        "g-1",
        "job.submitted",
        "2026-11-22T12:00:00.000000001+02:00",
        null,
        "{\"job_id\":\"go-7f3a\",\"service\":\"wl-go\",\"runner\":\"nomad\"}");
    binary(
        1,
        job,
        "g-2",
        "job.started",
        "2026-11-22T10:00:01.123456789Z",
        null,
        "{\"job_id\":\"go-7f3a\",\"runner\":\"nomad\",\"attempt\":1.0}");
    String finished = "{\"job_id\":\"go-7f3a\",\"attempt\":1,\"exit_code\":-15}";
    binary(0, job, "g-3", "job.finished", "2026-11-22T10:00:09.5+00:00", null, finished);
    binary(
        1,
        job,
        "g-3",
        "job.finished",
        "2026-11-22T10:00:09.5+00:00",
        System.currentTimeMillis() + 30_000,
        finished);
    harness.awaitStored("g-1", "g-2", "g-3");
    Harness.await(
        "the retried send consumed",
        java.time.Duration.ofSeconds(60),
        () -> {
          Scrape s = scrape();
          return s.value(
                  "jobwatch_events_total", "topic", harness.lifecycle, "outcome", "duplicate")
              >= 1.0;
        });
    Map<String, Object> row = harness.job(job);
    assertThat(row)
        .containsEntry("service", svc)
        .containsEntry("runner", "nomad")
        .containsEntry("state", "crashed")
        .containsEntry("exit_code", -15)
        .containsEntry("blame", "unknown")
        .containsEntry("cause", "signal_15");
    assertThat(Harness.instant(row.get("submitted_at"))).isEqualTo(T0.plusNanos(0));
    assertThat(Harness.instant(row.get("started_at")))
        .isEqualTo(Instant.parse("2026-11-22T10:00:01.123457Z"));
    assertThat(Harness.instant(row.get("finished_at"))).isEqualTo(t(9.5));
    assertThat(harness.count("SELECT count(*) FROM job_events WHERE job_id = 'go-7f3a'"))
        .isEqualTo(3);
    assertThat(harness.stage(svc, "nomad", "start").get("ok_count")).isEqualTo(1L);
  }

  private void binary(
      int partition, String key, String id, String type, String time, Long timestamp, String data) {
    RecordHeaders headers = new RecordHeaders();
    String[] pairs = {
      "ce_specversion",
      "1.0",
      "ce_id",
      id,
      "ce_source",
      "/sdk-go/runner",
      "ce_type",
      type,
      "ce_time",
      time,
      "ce_traceparent",
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "ce_partitionkey",
      key,
      "content-type",
      "application/json"
    };
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    try {
      harness
          .producer()
          .send(
              new ProducerRecord<>(
                  harness.lifecycle,
                  partition,
                  timestamp,
                  key.getBytes(StandardCharsets.UTF_8),
                  data.getBytes(StandardCharsets.UTF_8),
                  headers))
          .get();
    } catch (Exception e) {
      throw new AssertionError("could not send " + id, e);
    }
  }

  @Test
  @DisplayName(
      "Control-plane outages reported with the class their client raises (urllib3 under the"
          + " Kubernetes client, Apache HttpClient, an Airflow heartbeat's OperationalError, a pod's"
          + " ImagePullBackOff) read warning, then error after three: never fatal")
  void controlPlaneOutagesAsClientsReportThemAreErrors() {
    String svc = "wl-control-plane";
    Map<String, String> classes =
        Map.of(
            "submit", "urllib3.exceptions.ReadTimeoutError",
            "check_status", "urllib3.exceptions.ProtocolError",
            "cancel", "org.apache.http.conn.HttpHostConnectException",
            "heartbeat", "sqlalchemy.exc.OperationalError",
            "start", "ImagePullBackOff");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (Map.Entry<String, String> stage : classes.entrySet()) {
        ids.add(
            harness.stageEvent(
                "stage.error",
                t(10 * i),
                data(
                    "service",
                    svc,
                    "runner",
                    "k8s",
                    "stage",
                    stage.getKey(),
                    "error_class",
                    stage.getValue(),
                    "message",
                    "the control plane is away")));
      }
      if (i == 0) {
        harness.awaitStored(ids.toArray(String[]::new));
        for (String stage : classes.keySet()) {
          assertThat(harness.stage(svc, "k8s", stage).get("severity"))
              .as(stage)
              .isEqualTo("warning");
        }
      }
    }
    harness.awaitStored(ids.toArray(String[]::new));
    Scrape s = scrape();
    for (String stage : classes.keySet()) {
      assertThat(harness.stage(svc, "k8s", stage).get("severity")).as(stage).isEqualTo("error");
      assertThat(Harness.instant(harness.stage(svc, "k8s", stage).get("since"))).isEqualTo(t(20));
      assertThat(s.value("jobwatch_stage_health", "service", svc, "runner", "k8s", "stage", stage))
          .as(stage)
          .isEqualTo(2.0);
    }
    assertThat(s.value("jobwatch_service_health", "service", svc)).isEqualTo(2.0);
    assertThat(
            harness.row(
                "SELECT severity::text AS severity FROM service_health WHERE service = :p0", svc))
        .containsEntry("severity", "error");
  }
}
