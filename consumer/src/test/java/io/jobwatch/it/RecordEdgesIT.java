package io.jobwatch.it;

import static io.jobwatch.it.Envelopes.data;
import static io.jobwatch.it.Envelopes.dependency;
import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 points 2, 5, 6 and issue 10 point 6 through a real broker and database: record keys,
 * clock skew, the stuck-after setting and the dead-letter size cap.
 */
@WithInfra
class RecordEdgesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Sends a record and returns its Kafka record timestamp. */
  private static Instant send(
      Harness harness, String topic, String key, String value, String... headerPairs) {
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.add(
          headerPairs[i],
          headerPairs[i + 1] == null ? null : headerPairs[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    try {
      long timestamp =
          harness
              .producer()
              .send(
                  new ProducerRecord<>(
                      topic,
                      null,
                      key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                      value.getBytes(StandardCharsets.UTF_8),
                      headers))
              .get()
              .timestamp();
      return Instant.ofEpochMilli(timestamp);
    } catch (Exception e) {
      throw new AssertionError("could not send a record", e);
    }
  }

  private static String event(String id, String type, Instant time, Map<String, Object> data) {
    return Envelopes.event(id, type, time, Envelopes.json(data));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName(
      "A record with a null or another key is dead-lettered naming both keys, with its original"
          + " key and headers; so is a record the database refuses")
  void recordKeysAreTheContract(Infra infra) {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer", WAIT, app::isReady);
      Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
      String submitted = UUID.randomUUID().toString();
      send(
          harness,
          harness.lifecycle,
          "job-k1",
          event(submitted, "job.submitted", t0, data("job_id", "job-k1", "service", "keys")));
      send(
          harness,
          harness.lifecycle,
          "job-other",
          event(
              "e-started",
              "job.started",
              t0.plusSeconds(1),
              data("job_id", "job-k1", "runner", "slurm", "attempt", 1)),
          "traceparent",
          "00-abc-01",
          "nothing",
          null);
      send(
          harness,
          harness.lifecycle,
          null,
          event(
              "e-finished",
              "job.finished",
              t0.plusSeconds(2),
              data("job_id", "job-k1", "attempt", 1, "exit_code", 0)));
      send(
          harness,
          harness.lifecycle,
          "job-k1",
          event(
              "e-declared",
              "monitor.declared",
              t0,
              data(
                  "monitor",
                  "mon-k",
                  "team",
                  "data",
                  "schedule",
                  data("every", "PT1H"),
                  "grace",
                  "PT5M")));
      send(
          harness,
          harness.errors,
          "slurm",
          event(
              "e-stage",
              "stage.error",
              t0,
              data(
                  "service",
                  "keys",
                  "runner",
                  "slurm",
                  "stage",
                  "submit",
                  "error_class",
                  "OSError",
                  "message",
                  "boom")));
      Harness.await(
          "four dead letters and one event",
          WAIT,
          () ->
              harness.count("SELECT count(*) FROM dead_letters") == 4
                  && harness.count("SELECT count(*) FROM job_events") == 1);

      Map<String, Map<String, Object>> letters = new java.util.HashMap<>();
      for (Map<String, Object> row :
          harness.rows(
              "SELECT encode(record_key, 'escape') AS record_key, reason,"
                  + " record_headers::text AS headers, truncated, original_bytes,"
                  + " convert_from(record_value, 'UTF8')::jsonb->>'id' AS event_id"
                  + " FROM dead_letters")) {
        letters.put((String) row.get("event_id"), row);
      }
      assertThat(letters.get("e-started"))
          .containsEntry("record_key", "job-other")
          .containsEntry(
              "reason", "record key must be the event's job_id \"job-k1\", but it is \"job-other\"")
          .containsEntry("truncated", false);
      assertThat(letters.get("e-started").get("headers"))
          .isEqualTo(
              "[{\"key\": \"traceparent\", \"value\": \""
                  + base64("00-abc-01")
                  + "\"}, {\"key\": \"nothing\", \"value\": null}]");
      assertThat(letters.get("e-finished"))
          .containsEntry("record_key", null)
          .containsEntry(
              "reason", "record key must be the event's job_id \"job-k1\", but it is null (no key)")
          .containsEntry("headers", "[]");
      assertThat(letters.get("e-declared"))
          .containsEntry("record_key", "job-k1")
          .containsEntry(
              "reason", "record key must be the event's monitor \"mon-k\", but it is \"job-k1\"");
      assertThat(letters.get("e-stage"))
          .containsEntry("record_key", "slurm")
          .containsEntry(
              "reason", "record key must be the event's service \"keys\", but it is \"slurm\"");
      assertThat(harness.job("job-k1")).containsEntry("state", "submitted");
      assertThat(harness.count("SELECT count(*) FROM monitors")).isZero();
      assertThat(harness.count("SELECT count(*) FROM stage_health")).isZero();

      // A record the database refuses keeps its original key and headers too.
      harness
          .jdbi()
          .useHandle(
              h ->
                  h.execute(
                      "ALTER TABLE jobs ADD CONSTRAINT test_no_cursed_service"
                          + " CHECK (service IS DISTINCT FROM 'cursed')"));
      send(
          harness,
          harness.lifecycle,
          "job-cursed",
          event("e-cursed", "job.submitted", t0, data("job_id", "job-cursed", "service", "cursed")),
          "origin",
          "scheduler-7");
      Harness.await(
          "the refused record",
          WAIT,
          () -> harness.count("SELECT count(*) FROM dead_letters") == 5);
      Map<String, Object> refused =
          harness.row(
              "SELECT encode(record_key, 'escape') AS record_key, reason,"
                  + " record_headers->0->>'key' AS header, record_headers->0->>'value' AS value"
                  + " FROM dead_letters WHERE reason LIKE 'the database refused%'");
      assertThat(refused)
          .containsEntry("record_key", "job-cursed")
          .containsEntry("header", "origin")
          .containsEntry("value", base64("scheduler-7"));
    }
  }

  @Test
  @DisplayName(
      "A dead letter over JOBWATCH_MAX_DEAD_LETTER_BYTES is stored truncated, flagged, with its"
          + " original size")
  void deadLettersAreCapped(Infra infra) {
    try (Harness harness = new Harness(infra, 1, Map.of("JOBWATCH_MAX_DEAD_LETTER_BYTES", "64"));
        JobwatchApp app = harness.startApp()) {
      String large = "L".repeat(20) + "x".repeat(180);
      send(harness, harness.errors, "big", large);
      send(harness, harness.errors, "small", "not json");
      Harness.await(
          "two dead letters", WAIT, () -> harness.count("SELECT count(*) FROM dead_letters") == 2);

      Map<String, Object> big =
          harness.row(
              "SELECT octet_length(record_value) AS stored, truncated, original_bytes,"
                  + " convert_from(record_value, 'UTF8') AS value"
                  + " FROM dead_letters WHERE record_key = 'big'::bytea");
      assertThat(big)
          .containsEntry("stored", 64)
          .containsEntry("truncated", true)
          .containsEntry("original_bytes", 200)
          .containsEntry("value", large.substring(0, 64));
      Map<String, Object> small =
          harness.row(
              "SELECT octet_length(record_value) AS stored, truncated, original_bytes"
                  + " FROM dead_letters WHERE record_key = 'small'::bytea");
      assertThat(small)
          .containsEntry("stored", 8)
          .containsEntry("truncated", false)
          .containsEntry("original_bytes", 8);
      assertThat(app.isReady()).isTrue();
    }
  }

  @Test
  @DisplayName(
      "Events more than five minutes ahead of their record fold at the record time (stages, jobs"
          + " after a refold from the database, monitors), keep their time in the envelope and are"
          + " counted; late events keep their own time")
  void clockSkewIsBounded(Infra infra) {
    try (Harness harness = new Harness(infra, 1, Map.of("JOBWATCH_HISTORY_CACHE_MB", "0"));
        JobwatchApp app = harness.startApp()) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      Instant anHourAhead = now.plus(Duration.ofHours(1));

      // A runner with a fast clock reports submit ok an hour ahead, then three real errors.
      Map<String, Object> stage = data("service", "skewed", "runner", "slurm", "stage", "submit");
      Instant okRecord =
          send(harness, harness.errors, "skewed", event("s-ok", "stage.ok", anHourAhead, stage));
      for (int i = 1; i <= 3; i++) {
        Map<String, Object> error = new java.util.LinkedHashMap<>(stage);
        error.put("error_class", "ConnectionError");
        error.put("message", "connection refused " + i);
        send(
            harness,
            harness.errors,
            "skewed",
            event("s-err-" + i, "stage.error", okRecord.plusSeconds(i), error));
      }
      harness.awaitStored("s-ok", "s-err-1", "s-err-2", "s-err-3");
      assertThat(harness.stage("skewed", "slurm", "submit"))
          .containsEntry("severity", "error")
          .containsEntry("consecutive_errors", 3);
      assertThat(Harness.instant(harness.stage("skewed", "slurm", "submit").get("last_ok_at")))
          .isEqualTo(okRecord);

      // A job started by that runner: the later status and finish are folded from the database.
      send(
          harness,
          harness.lifecycle,
          "skew-job",
          event(
              "j-sub",
              "job.submitted",
              now.minusSeconds(60),
              data("job_id", "skew-job", "service", "skewed")));
      Instant startRecord =
          send(
              harness,
              harness.lifecycle,
              "skew-job",
              event(
                  "j-start",
                  "job.started",
                  anHourAhead,
                  data("job_id", "skew-job", "runner", "slurm", "attempt", 1)));
      harness.awaitStored("j-sub", "j-start");
      send(
          harness,
          harness.lifecycle,
          "skew-job",
          event(
              "j-status",
              "job.status",
              startRecord.plusSeconds(1),
              data("job_id", "skew-job", "attempt", 1, "error", "disk nearly full")));
      send(
          harness,
          harness.lifecycle,
          "skew-job",
          event(
              "j-fin",
              "job.finished",
              startRecord.plusSeconds(2),
              data("job_id", "skew-job", "attempt", 1, "exit_code", 0)));
      harness.awaitStored("j-status", "j-fin");
      Map<String, Object> job = harness.job("skew-job");
      assertThat(job)
          .containsEntry("state", "succeeded")
          .containsEntry("runtime_error", "disk nearly full");
      assertThat(Harness.instant(job.get("started_at"))).isEqualTo(startRecord);
      assertThat(Harness.instant(job.get("finished_at"))).isEqualTo(startRecord.plusSeconds(2));
      assertThat(harness.outcome("j-status")).isEqualTo("applied");
      Map<String, Object> stored =
          harness.row(
              "SELECT event_time, envelope->>'time' AS sent FROM job_events"
                  + " WHERE event_id = 'j-start'");
      assertThat(Harness.instant(stored.get("event_time"))).isEqualTo(startRecord);
      assertThat(Instant.parse((String) stored.get("sent"))).isEqualTo(anHourAhead);

      // A late event, published from a spool three hours later, keeps its own time.
      Instant threeHoursAgo = now.minus(Duration.ofHours(3));
      send(
          harness,
          harness.lifecycle,
          "late-job",
          event(
              "l-sub",
              "job.submitted",
              threeHoursAgo,
              data("job_id", "late-job", "service", "skewed")));
      harness.awaitStored("l-sub");
      assertThat(Harness.instant(harness.job("late-job").get("submitted_at")))
          .isEqualTo(threeHoursAgo);

      // A monitor cannot be declared, nor succeed, in the future.
      Instant declaredRecord =
          send(
              harness,
              harness.lifecycle,
              "skew-mon",
              event(
                  "m-decl",
                  "monitor.declared",
                  anHourAhead,
                  data(
                      "monitor",
                      "skew-mon",
                      "team",
                      "data",
                      "schedule",
                      data("every", "PT1H"),
                      "grace",
                      "PT5M")));
      send(
          harness,
          harness.lifecycle,
          "skew-run",
          event(
              "r-sub",
              "job.submitted",
              now.minusSeconds(10),
              data("job_id", "skew-run", "service", "skewed", "monitor", "skew-mon")));
      send(
          harness,
          harness.lifecycle,
          "skew-run",
          event(
              "r-start",
              "job.started",
              now.minusSeconds(5),
              data("job_id", "skew-run", "runner", "cron", "attempt", 1)));
      Instant finishRecord =
          send(
              harness,
              harness.lifecycle,
              "skew-run",
              event(
                  "r-fin",
                  "job.finished",
                  now.plus(Duration.ofHours(2)),
                  data("job_id", "skew-run", "attempt", 1, "exit_code", 0)));
      harness.awaitStored("m-decl", "r-sub", "r-start", "r-fin");
      Map<String, Object> monitor =
          harness.row(
              "SELECT declared_at, last_success_at FROM monitors WHERE monitor = 'skew-mon'");
      assertThat(Harness.instant(monitor.get("declared_at"))).isEqualTo(declaredRecord);
      assertThat(Harness.instant(monitor.get("last_success_at"))).isEqualTo(finishRecord);

      Scrape scrape = Scrape.metrics(app.httpPort());
      assertThat(scrape.value("jobwatch_clock_skew_events_total", "topic", harness.errors))
          .isEqualTo(1.0);
      assertThat(scrape.value("jobwatch_clock_skew_events_total", "topic", harness.lifecycle))
          .isEqualTo(3.0);
    }
  }

  @Test
  @DisplayName(
      "A producer whose clock runs 50 minutes ahead (its records' CreateTime) cannot move its"
          + " partition's watermark past the time jobwatch read it, and a watermark stored ahead"
          + " of its report by an older version comes back with the next report")
  void fastProducerClockDoesNotMoveTheWatermarkAhead(Infra infra) {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      // Within the broker's log.message.timestamp.after.max.ms (1 hour by default since Kafka 4).
      Instant fastClock = Instant.now().plus(Duration.ofMinutes(50)).truncatedTo(ChronoUnit.MILLIS);
      Instant recorded =
          sendAt(
              harness,
              harness.lifecycle,
              "fast-job",
              fastClock,
              event(
                  "fast-sub",
                  "job.submitted",
                  fastClock,
                  data("job_id", "fast-job", "service", "skewed")));
      assertThat(recorded).isEqualTo(fastClock);
      harness.awaitStored("fast-sub");

      Map<String, Object> progress = progress(harness);
      assertThat(Harness.instant(progress.get("watermark")))
          .isBeforeOrEqualTo(Harness.instant(progress.get("reported_at")))
          .isBeforeOrEqualTo(Instant.now());

      // A row as an older version stored it: the watermark 50 minutes ahead of its report.
      harness
          .jdbi()
          .useHandle(
              handle ->
                  handle.execute(
                      "UPDATE consumer_progress SET watermark = reported_at + interval '50 minutes'"));
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      send(
          harness,
          harness.lifecycle,
          "on-time-job",
          event(
              "on-time-sub",
              "job.submitted",
              now,
              data("job_id", "on-time-job", "service", "skewed")));
      harness.awaitStored("on-time-sub");

      progress = progress(harness);
      assertThat(Harness.instant(progress.get("watermark")))
          .isBeforeOrEqualTo(Harness.instant(progress.get("reported_at")))
          .isBeforeOrEqualTo(Instant.now());
    }
  }

  private static Map<String, Object> progress(Harness harness) {
    return harness.row(
        "SELECT watermark, reported_at FROM consumer_progress WHERE group_id = :p0 AND topic = :p1",
        harness.group,
        harness.lifecycle);
  }

  /** Sends a record stamped {@code timestamp} (CreateTime) and returns its record timestamp. */
  private static Instant sendAt(
      Harness harness, String topic, String key, Instant timestamp, String value) {
    try {
      return Instant.ofEpochMilli(
          harness
              .producer()
              .send(
                  new ProducerRecord<>(
                      topic,
                      null,
                      timestamp.toEpochMilli(),
                      key.getBytes(StandardCharsets.UTF_8),
                      value.getBytes(StandardCharsets.UTF_8)))
              .get()
              .timestamp());
    } catch (Exception e) {
      throw new AssertionError("could not send a record", e);
    }
  }

  @Test
  @DisplayName(
      "JOBWATCH_STUCK_AFTER reaches the views: after two minutes a job whose dependency ended is"
          + " stuck, a never-seen dependency is unknown, and both are exported as stuck")
  void stuckAfterIsUsed(Infra infra) {
    try (Harness harness = new Harness(infra, 1, Map.of("JOBWATCH_STUCK_AFTER", "PT2M"));
        JobwatchApp app = harness.startApp()) {
      assertThat(
              harness.count(
                  "SELECT extract(epoch FROM stuck_after)::bigint FROM dependency_settings"))
          .isEqualTo(120);
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      harness.applyLifecycle(
          "job.submitted",
          now.minus(Duration.ofMinutes(5)),
          data("job_id", "st-dep", "service", "stuck-svc"));
      harness.applyLifecycle(
          "job.finished",
          now.minus(Duration.ofMinutes(3)),
          data("job_id", "st-dep", "attempt", 1, "exit_code", 0));
      harness.applyLifecycle(
          "job.submitted",
          now.minus(Duration.ofMinutes(4)),
          data(
              "job_id",
              "st-waiter",
              "service",
              "stuck-svc",
              "depends_on",
              List.of(dependency("st-dep"))));
      harness.applyLifecycle(
          "job.submitted",
          now.minus(Duration.ofMinutes(3)),
          data(
              "job_id",
              "st-typo",
              "service",
              "stuck-svc",
              "depends_on",
              List.of(dependency("st-dpe"))));
      harness.applyLifecycle(
          "job.submitted",
          now.minusSeconds(30),
          data(
              "job_id",
              "st-young",
              "service",
              "stuck-svc",
              "depends_on",
              List.of(dependency("st-later"))));

      assertThat(
              harness.rows(
                  "SELECT job_id, reason FROM stuck_jobs WHERE service = 'stuck-svc'"
                      + " ORDER BY job_id"))
          .containsExactly(
              Map.of("job_id", "st-typo", "reason", "unknown_dependency"),
              Map.of("job_id", "st-waiter", "reason", "dependencies_ended"));
      assertThat(
              harness.rows(
                  "SELECT depends_on, status FROM job_waits WHERE job_id IN ('st-typo', 'st-young')"
                      + " ORDER BY depends_on"))
          .containsExactly(
              Map.of("depends_on", "st-dpe", "status", "unknown"),
              Map.of("depends_on", "st-later", "status", "waiting"));
      app.refreshState();
      assertThat(
              Scrape.metrics(app.httpPort())
                  .value("jobwatch_jobs_stuck_waiting", "service", "stuck-svc"))
          .isEqualTo(2.0);
    }
  }

  @Test
  @DisplayName(
      "Events whose optional data fields are null (a Python dataclass's None) are applied as if"
          + " the fields were absent, null never clearing an earlier value; a null required field"
          + " is dead-lettered naming it")
  void nullOptionalFieldsAreAbsent(Infra infra) {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer", WAIT, app::isReady);
      Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
      String job = "job-nulls";
      send(
          harness,
          harness.lifecycle,
          job,
          event(
              "n-submitted",
              "job.submitted",
              t0,
              data(
                  "job_id",
                  job,
                  "service",
                  "nulls",
                  "runner",
                  null,
                  "monitor",
                  null,
                  "depends_on",
                  null,
                  "trigger",
                  null,
                  "labels",
                  null)));
      send(
          harness,
          harness.lifecycle,
          job,
          event(
              "n-started",
              "job.started",
              t0.plusSeconds(1),
              data(
                  "job_id", job, "service", null, "runner", "slurm", "attempt", 1, "host", null,
                  "monitor", null)));
      send(
          harness,
          harness.lifecycle,
          job,
          event(
              "n-status-1",
              "job.status",
              t0.plusSeconds(2),
              data("job_id", job, "attempt", 1, "error", "disk full", "warning", "first")));
      send(
          harness,
          harness.lifecycle,
          job,
          event(
              "n-status-2",
              "job.status",
              t0.plusSeconds(3),
              data(
                  "job_id",
                  job,
                  "attempt",
                  1,
                  "error",
                  null,
                  "warning",
                  "w",
                  "activity",
                  null,
                  "progress",
                  null)));
      send(
          harness,
          harness.lifecycle,
          job,
          event(
              "n-status-3",
              "job.status",
              t0.plusSeconds(4),
              data(
                  "job_id",
                  job,
                  "attempt",
                  1,
                  "error",
                  null,
                  "warning",
                  null,
                  "activity",
                  "sort")));
      send(
          harness,
          harness.errors,
          "nulls",
          event(
              "n-stage",
              "stage.error",
              t0,
              data(
                  "service",
                  "nulls",
                  "runner",
                  "slurm",
                  "stage",
                  "check_status",
                  "error_class",
                  "ConnectionError",
                  "message",
                  "squeue failed",
                  "job_id",
                  null,
                  "severity",
                  null)));
      send(
          harness,
          harness.lifecycle,
          job,
          event(
              "n-finished",
              "job.finished",
              t0.plusSeconds(5),
              data("job_id", job, "attempt", null, "exit_code", 0)));
      Harness.await(
          "five job events, the stage error and one dead letter",
          WAIT,
          () ->
              harness.count("SELECT count(*) FROM job_events WHERE job_id = 'job-nulls'") == 5
                  && harness.count("SELECT count(*) FROM stage_health WHERE stage = 'check_status'")
                      == 1
                  && harness.count("SELECT count(*) FROM dead_letters") == 1);

      assertThat(harness.job(job))
          .containsEntry("state", "running")
          .containsEntry("service", "nulls")
          .containsEntry("runner", "slurm")
          .containsEntry("runtime_error", "disk full")
          .containsEntry("runtime_warning", "w")
          .containsEntry("runtime_activity", "sort");
      assertThat(harness.stage("nulls", "slurm", "check_status"))
          .containsEntry("severity", "warning")
          .containsEntry("last_error_class", "ConnectionError")
          .containsEntry("last_error_job_id", null);
      assertThat(harness.row("SELECT reason FROM dead_letters"))
          .containsEntry("reason", "$.data.attempt: null found, integer expected");
    }
  }

  @Test
  @DisplayName(
      "A trigger's numbers are stored with the digits they were sent with (a BigDecimal, a number"
          + " beyond double range), in structured and binary mode, also after the job is refolded")
  void triggerNumbersAreStoredAsSent(Infra infra) {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer", WAIT, app::isReady);
      Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
      String trigger =
          "{\"message_id\":\"m1\",\"budget\":12345678901234567.89,"
              + "\"ratio\":0.1000000000000000000001,\"beyond\":1E+400}";
      send(
          harness,
          harness.lifecycle,
          "job-trigger-s",
          Envelopes.event(
              "t-submitted-s",
              "job.submitted",
              t0,
              "{\"job_id\":\"job-trigger-s\",\"service\":\"exact\",\"trigger\":" + trigger + "}"));
      send(
          harness,
          harness.lifecycle,
          "job-trigger-b",
          "{\"job_id\":\"job-trigger-b\",\"service\":\"exact\",\"trigger\":" + trigger + "}",
          "ce_specversion",
          "1.0",
          "ce_id",
          "t-submitted-b",
          "ce_source",
          "/it",
          "ce_type",
          "job.submitted",
          "ce_time",
          t0.toString(),
          "content-type",
          "application/json");
      harness.awaitStored("t-submitted-s", "t-submitted-b");
      String exact =
          "SELECT (trigger->'budget')::numeric = 12345678901234567.89"
              + " AND (trigger->'ratio')::numeric = 0.1000000000000000000001"
              + " AND jsonb_typeof(trigger->'beyond') = 'number'"
              + " AND (trigger->'beyond')::numeric = 1E+400 AS exact, trigger::text AS trigger"
              + " FROM jobs WHERE job_id = :p0";
      for (String job : List.of("job-trigger-s", "job-trigger-b")) {
        Map<String, Object> row = harness.row(exact, job);
        assertThat(row.get("exact"))
            .as("trigger of %s: %s", job, row.get("trigger"))
            .isEqualTo(true);
      }
      assertThat(
              harness
                  .row(
                      "SELECT (envelope->'data'->'trigger'->'budget')::numeric"
                          + " = 12345678901234567.89 AS exact FROM job_events"
                          + " WHERE event_id = 't-submitted-b'")
                  .get("exact"))
          .as("the binary record's stored envelope")
          .isEqualTo(true);
      // A later event of each job refolds it from its stored events.
      for (String job : List.of("job-trigger-s", "job-trigger-b")) {
        send(
            harness,
            harness.lifecycle,
            job,
            event(
                job + "-started",
                "job.started",
                t0.plusSeconds(1),
                data("job_id", job, "runner", "slurm", "attempt", 1)));
      }
      harness.awaitStored("job-trigger-s-started", "job-trigger-b-started");
      app.close();
      try (JobwatchApp restarted = harness.startApp()) {
        for (String job : List.of("job-trigger-s", "job-trigger-b")) {
          send(
              harness,
              harness.lifecycle,
              job,
              event(
                  job + "-finished",
                  "job.finished",
                  t0.plusSeconds(2),
                  data("job_id", job, "attempt", 1, "exit_code", 0)));
        }
        harness.awaitStored("job-trigger-s-finished", "job-trigger-b-finished");
        for (String job : List.of("job-trigger-s", "job-trigger-b")) {
          Map<String, Object> row = harness.row(exact, job);
          assertThat(row.get("exact"))
              .as("trigger of %s after a refold: %s", job, row.get("trigger"))
              .isEqualTo(true);
          assertThat(harness.job(job).get("state")).isEqualTo("succeeded");
        }
      }
    }
  }
}
