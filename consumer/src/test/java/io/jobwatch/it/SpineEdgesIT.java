package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.pipeline.Outcome;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The exactly-once spine at its edges: values only PostgreSQL refuses, topics that appear while
 * jobwatch runs.
 */
@WithInfra
class SpineEdgesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  @DisplayName(
      "Values only PostgreSQL refuses (a jsonb number out of range, a time before year 1) are dead"
          + " letters with the database's reason; the partition moves on and the counters add up")
  void valuesOnlyPostgresRefuses(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer to be ready", WAIT, app::isReady);
      List<String> records = new ArrayList<>();
      records.add(submitted(T0, "{\"job_id\":\"good-0\",\"service\":\"blast\"}"));
      records.add(
          submitted(
              T0,
              "{\"job_id\":\"tiny-number\",\"service\":\"blast\","
                  + "\"trigger\":{\"message_id\":\"m1\",\"x\":1e-20000}}"));
      records.add(submitted(T0, "{\"job_id\":\"good-1\",\"service\":\"blast\"}"));
      records.add(
          "{\"specversion\":\"1.0\",\"id\":\""
              + UUID.randomUUID()
              + "\",\"source\":\"/it\",\"type\":\"job.submitted\",\"time\":\""
              + T0
              + "\",\"bigext\":1e20000,\"data\":{\"job_id\":\"huge-extension\","
              + "\"service\":\"blast\"}}");
      records.add(submitted(T0, "{\"job_id\":\"good-2\",\"service\":\"blast\"}"));
      records.add(
          "{\"specversion\":\"1.0\",\"id\":\""
              + UUID.randomUUID()
              + "\",\"source\":\"/it\",\"type\":\"job.submitted\","
              + "\"time\":\"0000-01-01T00:00:00+01:00\","
              + "\"data\":{\"job_id\":\"year-zero\",\"service\":\"blast\"}}");
      records.add(submitted(T0, "{\"job_id\":\"good-3\",\"service\":\"blast\"}"));
      List<String> keys =
          List.of(
              "good-0", "tiny-number", "good-1", "huge-extension", "good-2", "year-zero", "good-3");
      for (int i = 0; i < records.size(); i++) {
        harness.send(harness.lifecycle, keys.get(i), records.get(i));
      }
      harness.flush();
      Harness.await(
          "all records handled",
          WAIT,
          () ->
              harness.countOnceMigrated(
                      "SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                  == records.size());
      harness.awaitCounted(app, records.size());

      long jobs = harness.count("SELECT count(*) FROM jobs");
      long letters = harness.count("SELECT count(*) FROM dead_letters");
      List<Map<String, Object>> refused =
          harness.rows("SELECT kafka_offset, reason FROM dead_letters ORDER BY kafka_offset");
      assertThat(refused).extracting(row -> row.get("kafka_offset")).containsExactly(1L, 3L, 5L);
      assertThat((String) refused.get(0).get("reason"))
          .as("a number jsonb cannot hold")
          .startsWith("the database refused this event")
          .contains("numeric");
      assertThat((String) refused.get(1).get("reason")).contains("$.bigext");
      assertThat((String) refused.get(2).get("reason"))
          .as("a time before year 1")
          .startsWith("the database refused this event");
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id LIKE 'good-%'"))
          .isEqualTo(4);
      assertThat(jobs + letters).as("each record is a job or a dead letter").isEqualTo(7);
      assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.DEAD_LETTERED))
          .isEqualTo((double) letters);
      assertThat(harness.counted(app)).isEqualTo(7.0);
      assertThat(app.isReady()).isTrue();
    }
  }

  @Test
  @DisplayName(
      "An errors topic that does not exist when jobwatch starts is read from its start once it is"
          + " created")
  void topicCreatedAfterStart(Infra infra) throws Exception {
    try (Harness harness =
        new Harness(infra, 1, Map.of("JOBWATCH_KAFKA_METADATA_MAX_AGE_MS", "1000"))) {
      String later = "later-errors-" + UUID.randomUUID();
      try (JobwatchApp app =
          JobwatchApp.start(
              harness.settings().withTopics(harness.lifecycle, later), Clock.systemUTC())) {
        Harness.await("the consumer to be ready", WAIT, app::isReady);
        harness.applyLifecycle("job.submitted", T0, Map.of("job_id", "before", "service", "blast"));
        try (Admin admin =
            Admin.create(
                Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.infra.kafkaBootstrap()))) {
          admin.createTopics(List.of(new NewTopic(later, 1, (short) 1))).all().get();
        }
        // Published at once, before jobwatch may know the topic: read from its start.
        String stageId = UUID.randomUUID().toString();
        harness.send(
            later,
            "blast",
            Envelopes.event(
                stageId,
                "stage.error",
                T0.plusSeconds(1),
                Envelopes.json(
                    Map.of(
                        "service",
                        "blast",
                        "runner",
                        "slurm",
                        "stage",
                        "submit",
                        "error_class",
                        "OSError",
                        "message",
                        "boom"))));
        harness.awaitStored(stageId);
        assertThat(harness.stage("blast", "slurm", "submit").get("error_count")).isEqualTo(1L);
        Harness.await(
            "the stage event counted",
            WAIT,
            () -> app.pipelineMetrics().count(later, Outcome.APPLIED) >= 1);
        assertThat(app.pipelineMetrics().count(later, Outcome.APPLIED)).isEqualTo(1.0);
        assertThat(app.isReady()).isTrue();
      }
    }
  }

  @Test
  @DisplayName(
      "Two replays of every dead letter at once publish each letter once: fixed ones are applied"
          + " once, broken ones are dead letters once more, and the counters say so")
  void concurrentReplaysApplyEachLetterOnce(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 2);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer to be ready", WAIT, app::isReady);
      int broken = 4;
      for (int i = 0; i < broken; i++) {
        harness.send(harness.lifecycle, "broken-" + i, "not json " + i);
      }
      harness.flush();
      harness.awaitCounted(app, broken);
      int fixed = 4;
      // Letters an older contract refused, as stored then: applied once replayed.
      harness
          .jdbi()
          .useHandle(
              handle -> {
                for (int i = 0; i < fixed; i++) {
                  handle
                      .createUpdate(
                          "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset,"
                              + " record_key, record_value, reason, record_headers)"
                              + " VALUES (:topic, 0, :offset, :key, :value, 'older contract',"
                              + " CAST('[]' AS jsonb))")
                      .bind("topic", harness.lifecycle)
                      .bind("offset", 90_000L + i)
                      .bind("key", ("fixed-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                      .bind(
                          "value",
                          Envelopes.event(
                                  "fixed-event-" + i,
                                  "job.submitted",
                                  T0,
                                  Envelopes.json(
                                      Map.of("job_id", "fixed-" + i, "service", "blast")))
                              .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                      .execute();
                }
              });

      java.util.concurrent.ExecutorService runs =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        var first = runs.submit(() -> harness.cli("dead-letters", "replay", "--all"));
        var second = runs.submit(() -> harness.cli("dead-letters", "replay", "--all"));
        Harness.CliRun a = first.get();
        Harness.CliRun b = second.get();
        assertThat(a.code()).as(a.toString()).isZero();
        assertThat(b.code()).as(b.toString()).isZero();
      } finally {
        runs.shutdownNow();
      }
      long records = broken + fixed + broken;
      harness.awaitCounted(app, records);
      Harness.await(
          "the replayed records handled",
          WAIT,
          () ->
              harness.countOnceMigrated(
                      "SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                  == records);
      assertThat(harness.count("SELECT count(*) FROM jobs WHERE job_id LIKE 'fixed-%'"))
          .isEqualTo(fixed);
      assertThat(harness.count("SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL"))
          .as("each broken letter is a dead letter once more")
          .isEqualTo(broken);
      assertThat(
              harness.count(
                  "SELECT count(*) FROM dead_letters WHERE replayed_at IS NOT NULL"
                      + " AND replay_claimed_at IS NULL"))
          .isEqualTo(broken + fixed);
      assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.APPLIED))
          .isEqualTo((double) fixed);
      assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.DEAD_LETTERED))
          .isEqualTo((double) (broken + broken));
      assertThat(harness.counted(app)).isEqualTo((double) records);
    }
  }

  @Test
  @DisplayName(
      "A poll of records the database refuses, every one of them, is dead-lettered record by record"
          + " and the partition moves on")
  void pollOfRefusedRecordsMovesOn(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer to be ready", WAIT, app::isReady);
      int refused = 500;
      for (int i = 0; i < refused; i++) {
        String job = "refused-" + i;
        harness.send(
            harness.lifecycle,
            job,
            submitted(
                T0,
                "{\"job_id\":\""
                    + job
                    + "\",\"service\":\"blast\","
                    + "\"trigger\":{\"message_id\":\"m\",\"x\":1e-20000}}"));
      }
      harness.send(
          harness.lifecycle,
          "after",
          submitted(T0, "{\"job_id\":\"after\",\"service\":\"blast\"}"));
      harness.flush();
      Harness.await(
          "all records handled",
          Duration.ofSeconds(240),
          () ->
              harness.countOnceMigrated(
                      "SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                  == refused + 1);
      harness.awaitCounted(app, refused + 1);
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isEqualTo(refused);
      assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(1);
      assertThat(app.pipelineMetrics().count(harness.lifecycle, Outcome.DEAD_LETTERED))
          .isEqualTo((double) refused);
    }
  }

  private static String submitted(Instant time, String data) {
    return Envelopes.event("job.submitted", time, data);
  }
}
