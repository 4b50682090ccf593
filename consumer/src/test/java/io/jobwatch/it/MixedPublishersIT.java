package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One platform, three publishers of the same jobs, as they really mix: the scheduler in Java
 * (murmur2, times in UTC with {@code Z}), the runner in Python with confluent-kafka on its default
 * partitioner ({@code consistent_random}: CRC32, so a job's runner events land on another partition
 * than its scheduler events), with a clock 3 s behind and times in {@code +05:30} or, in binary
 * mode with duplicate non-CloudEvents headers, {@code -08:00} in whole seconds, and a cron wrapper
 * with kcat. The runner's events are sent first (the scheduler's partition lags), one of them twice
 * (a retry with the same id). The folded rows are those of the same events in order on one
 * partition.
 */
@WithInfra
class MixedPublishersIT {
  private static final String PYTHON = "/usr/bin/python3";
  private static final int PARTITIONS = 3;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration RUNNER_BEHIND = Duration.ofSeconds(3);

  /** Produces the JSON records of stdin with confluent-kafka's defaults (no partitioner set). */
  private static final String PRODUCER =
      """
      import json, sys
      from confluent_kafka import Producer
      producer = Producer({"bootstrap.servers": sys.argv[1], "acks": "all"})
      for record in json.load(sys.stdin):
          extra = {}
          if record["headers"]:  # a list of tuples: a name may repeat
              extra["headers"] = [(name, value) for name, value in record["headers"]]
          producer.produce(record["topic"], key=record["key"], value=record["value"], **extra)
          producer.flush(10)
      if producer.flush(10) > 0:
          sys.exit("not acknowledged")
      """;

  @Test
  @DisplayName(
      "Scheduler (Java), runner (Python, default partitioner, clock behind, +05:30 and -08:00)"
          + " and cron (kcat) fold one platform's jobs, stages and monitor as one partition would")
  void mixedPublishersFoldAsOnePartitionWould(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, PARTITIONS)) {
      JobwatchApp app = harness.startApp();
      try {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);
        String jobA = splitJobId("runner-a");
        String jobB = splitJobId("runner-b");
        String jobC = splitJobId("cron-c");
        String jobD = splitJobId("runner-d");
        String monitor = "mixed-nightly";
        List<Map<String, Object>> python = new ArrayList<>();

        // The runner's view of job A: structured, +05:30, microseconds, 3 s behind.
        String startedA =
            structured(
                "job.started",
                kolkata(t0.plusSeconds(5).plusNanos(123_456_000)),
                data("job_id", jobA, "runner", "slurm", "attempt", 1, "host", "node-7"));
        python.add(record(harness.lifecycle, jobA, startedA, null));
        python.add(
            record(
                harness.lifecycle,
                jobA,
                structured(
                    "job.status",
                    kolkata(t0.plusSeconds(6)),
                    data("job_id", jobA, "attempt", 1, "error", "disk slow")),
                null));
        python.add(
            record(
                harness.lifecycle,
                jobA,
                structured(
                    "job.status",
                    kolkata(t0.plusSeconds(7)),
                    data("job_id", jobA, "attempt", 1, "error", "disk full", "activity", "step 2")),
                null));
        python.add(
            record(
                harness.lifecycle,
                jobA,
                structured(
                    "job.finished",
                    kolkata(t0.plusSeconds(10)),
                    data("job_id", jobA, "attempt", 1, "exit_code", 0)),
                null));
        python.add(record(harness.lifecycle, jobA, startedA, null)); // a retry, the same id

        // Job B in binary mode: whole seconds at -08:00; its exit 143 stamped in the instant of the
        // scheduler's cancel (docs/publishing.md: the cancel sent the signal).
        python.add(
            binary(
                harness.lifecycle,
                jobB,
                "job.started",
                pacific(t0.plusSeconds(3)),
                data("job_id", jobB, "runner", "slurm", "attempt", 1)));
        python.add(
            binary(
                harness.lifecycle,
                jobB,
                "job.finished",
                pacific(t0.plusSeconds(20).plus(RUNNER_BEHIND)),
                data("job_id", jobB, "attempt", 1, "exit_code", 143)));

        // Job D: a runner whose clock is right but gives whole seconds reports the SIGTERM of the
        // scheduler's cancel (stamped in milliseconds, below) at the start of the cancel's second.
        python.add(
            record(
                harness.lifecycle,
                jobD,
                structured(
                    "job.started",
                    t0.plusSeconds(31).toString(),
                    data("job_id", jobD, "runner", "slurm", "attempt", 1)),
                null));
        python.add(
            record(
                harness.lifecycle,
                jobD,
                structured(
                    "job.finished",
                    t0.plusSeconds(40).toString(),
                    data("job_id", jobD, "attempt", 1, "exit_code", 143)),
                null));

        // check_status fails three times (whole seconds), keyed by service, CRC32-partitioned.
        for (int second = 1; second <= 3; second++) {
          python.add(
              record(
                  harness.errors,
                  "blast",
                  structured(
                      "stage.error",
                      kolkata(t0.plusSeconds(second)),
                      data(
                          "service", "blast",
                          "runner", "slurm",
                          "stage", "check_status",
                          "error_class", "subprocess.CalledProcessError",
                          "message", "squeue returned 1")),
                  null));
        }
        assertThat(runPython(harness, python)).as("the Python runner's exit code").isZero();

        // The cron wrapper with kcat (librdkafka's default partitioner too): no job.submitted.
        String cronStarted =
            structured(
                "job.started",
                t0.plusSeconds(30).toString(),
                data(
                    "job_id", jobC, "service", "cron", "runner", "cron", "attempt", 1, "monitor",
                    monitor));
        String cronFinished =
            structured(
                "job.finished",
                t0.plusSeconds(90).toString(),
                data("job_id", jobC, "attempt", 1, "exit_code", 0));
        assertThat(runKcat(harness, jobC + ":" + cronStarted + "\n" + jobC + ":" + cronFinished))
            .isZero();

        // The scheduler, in Java, last: its partitions lag behind the runner's.
        harness.lifecycleEvent(
            "job.submitted", t0, data("job_id", jobA, "service", "blast", "runner", "slurm"));
        harness.lifecycleEvent(
            "job.queued", t0.plusSeconds(2), data("job_id", jobA, "attempt", 1, "runner", "slurm"));
        harness.lifecycleEvent("job.submitted", t0, data("job_id", jobB, "service", "blast"));
        harness.lifecycleEvent(
            "job.cancelled", t0.plusSeconds(20), data("job_id", jobB, "reason", "scancel"));
        harness.lifecycleEvent("job.submitted", t0, data("job_id", jobD, "service", "blast"));
        harness.lifecycleEvent(
            "job.cancelled",
            t0.plusSeconds(40).plusMillis(700),
            data("job_id", jobD, "reason", "scancel"));
        harness.lifecycleEvent(
            "monitor.declared",
            t0.minusSeconds(3600),
            data(
                "monitor",
                monitor,
                "team",
                "platform",
                "schedule",
                Map.of("every", "PT1H"),
                "grace",
                "PT30M"));
        harness.stageEvent(
            "stage.ok",
            t0.plusSeconds(4),
            data("service", "blast", "runner", "slurm", "stage", "check_status"));
        harness.flush();

        long records = python.size() + 2 + 8;
        harness.awaitCounted(app, records);

        assertThat(harness.count("SELECT count(*) FROM dead_letters")).isZero();
        assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.DUPLICATE))
            .as("the runner's retried job.started")
            .isEqualTo(1.0);
        assertThat(
                harness.count(
                    "SELECT count(DISTINCT kafka_partition) FROM job_events WHERE job_id = '"
                        + jobA
                        + "'"))
            .as("job A's events are on two partitions")
            .isEqualTo(2);

        Map<String, Object> a = harness.job(jobA);
        assertThat(a.get("state")).isEqualTo("succeeded");
        assertThat(a.get("attempt")).isEqualTo(1);
        assertThat(a.get("exit_code")).isEqualTo(0);
        assertThat(a.get("service")).isEqualTo("blast");
        assertThat(a.get("runner")).isEqualTo("slurm");
        assertThat(a.get("runtime_error")).isEqualTo("disk slow (1 additional error)");
        assertThat(a.get("runtime_activity")).isEqualTo("step 2");
        assertThat(Harness.instant(a.get("submitted_at"))).isEqualTo(t0);
        assertThat(Harness.instant(a.get("started_at")))
            .isEqualTo(t0.plusSeconds(5).plusNanos(123_456_000).minus(RUNNER_BEHIND));
        assertThat(Harness.instant(a.get("finished_at")))
            .isEqualTo(t0.plusSeconds(10).minus(RUNNER_BEHIND));

        Map<String, Object> b = harness.job(jobB);
        assertThat(b.get("state"))
            .as("exit 143 in the instant of the cancel (another offset, whole seconds)")
            .isEqualTo("cancelled");
        assertThat(b.get("blame")).isNull();

        Map<String, Object> d = harness.job(jobD);
        assertThat(d.get("state"))
            .as("exit 143 stamped in whole seconds within the cancel's second")
            .isEqualTo("cancelled");
        assertThat(d.get("blame")).isNull();
        assertThat(d.get("exit_code")).isEqualTo(143);
        assertThat(Harness.instant(d.get("finished_at"))).isEqualTo(t0.plusSeconds(40));

        assertThat(harness.count("SELECT count(*) FROM job_attempt_crashes")).isZero();

        Map<String, Object> c = harness.job(jobC);
        assertThat(c.get("state")).isEqualTo("succeeded");
        assertThat(c.get("monitor")).isEqualTo(monitor);
        Map<String, Object> status =
            harness.row(
                "SELECT status, last_success_at FROM monitor_status WHERE monitor = :p0", monitor);
        assertThat(status.get("status")).isEqualTo("up");
        assertThat(Harness.instant(status.get("last_success_at"))).isEqualTo(t0.plusSeconds(90));

        Map<String, Object> stage = harness.stage("blast", "slurm", "check_status");
        assertThat(stage.get("severity")).isEqualTo("ok");
        assertThat(stage.get("error_count")).isEqualTo(3L);
        assertThat(stage.get("ok_count")).isEqualTo(1L);
        assertThat(Harness.instant(stage.get("last_ok_at"))).isEqualTo(t0.plusSeconds(4));
        Map<String, Object> start = harness.stage("blast", "slurm", "start");
        assertThat(start.get("severity")).isEqualTo("ok");
        assertThat(start.get("ok_count")).as("the starts of A, B and D").isEqualTo(3L);
      } finally {
        app.close();
      }
    }
  }

  /**
   * A job id whose partition under librdkafka's {@code consistent_random} (CRC32 of the key) is not
   * the one Java's murmur2 picks, so the job's events really split.
   */
  private static String splitJobId(String prefix) {
    for (int i = 0; ; i++) {
      String id = prefix + "-" + UUID.randomUUID();
      byte[] key = id.getBytes(StandardCharsets.UTF_8);
      CRC32 crc = new CRC32();
      crc.update(key);
      if (crc.getValue() % PARTITIONS != Utils.toPositive(Utils.murmur2(key)) % PARTITIONS) {
        return id;
      }
    }
  }

  /** An instant as a Python runner 3 s behind writes it, at +05:30 with microseconds. */
  private static String kolkata(Instant at) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx")
        .format(at.minus(RUNNER_BEHIND).atOffset(ZoneOffset.ofHoursMinutes(5, 30)));
  }

  /** An instant as the runner writes it in binary mode: whole seconds at -08:00. */
  private static String pacific(Instant at) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx")
        .format(at.minus(RUNNER_BEHIND).atOffset(ZoneOffset.ofHours(-8)));
  }

  private static String structured(String type, String time, Map<String, Object> data) {
    return "{\"specversion\":\"1.0\",\"id\":\""
        + UUID.randomUUID()
        + "\",\"source\":\"/runner/slurm/node-7\",\"type\":\""
        + type
        + "\",\"time\":\""
        + time
        + "\",\"data\":"
        + Envelopes.json(data)
        + "}";
  }

  private static Map<String, Object> record(
      String topic, String key, String value, List<List<String>> headers) {
    Map<String, Object> record = new java.util.HashMap<>();
    record.put("topic", topic);
    record.put("key", key);
    record.put("value", value);
    record.put("headers", headers);
    return record;
  }

  /** A binary-mode record with headers as a list, a tracing header twice (ignored). */
  private static Map<String, Object> binary(
      String topic, String key, String type, String time, Map<String, Object> data) {
    List<List<String>> headers =
        List.of(
            List.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            List.of("ce_specversion", "1.0"),
            List.of("ce_id", UUID.randomUUID().toString()),
            List.of("ce_source", "/runner/slurm/node-7"),
            List.of("ce_type", type),
            List.of("ce_time", time),
            List.of("content-type", "application/json"),
            List.of("traceparent", "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"));
    return record(topic, key, Envelopes.json(data), headers);
  }

  private static int runPython(Harness harness, List<Map<String, Object>> records)
      throws IOException, InterruptedException {
    Path script = Files.createTempFile("jobwatch-mixed-runner-", ".py");
    Files.writeString(script, PRODUCER);
    return Harness.runWithInput(
        List.of(PYTHON, script.toString(), harness.infra.kafkaBootstrap()),
        Envelopes.json(records));
  }

  private static int runKcat(Harness harness, String lines)
      throws IOException, InterruptedException {
    return Harness.runWithInput(
        List.of(
            "kcat",
            "-P",
            "-b",
            harness.infra.kafkaBootstrap(),
            "-t",
            harness.lifecycle,
            "-K:",
            "-X",
            "acks=all"),
        lines + "\n");
  }
}
