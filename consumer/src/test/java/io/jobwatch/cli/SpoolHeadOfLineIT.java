package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A spooled record Kafka will never take (a topic that does not exist on a broker without topic
 * auto-creation, a record larger than the producer may send) is moved to {@code
 * spool.jsonl.rejected} with the reason and blocks neither the records behind it nor the event of
 * the command that flushes the spool (docs/publishing.md, "Records Kafka refuses").
 */
@WithInfra
class SpoolHeadOfLineIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  @DisplayName(
      "emit moves spooled records Kafka refuses aside with the reason and sends the rest and its"
          + " own event")
  void emitIsNotBlockedByRefusedSpooledRecords(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      String mistyped = "jobwatch.lifecyle-" + UUID.randomUUID(); // never created
      Spool spool = new Spool(cli.spoolDir, notice -> {});
      spool.append(
          List.of(
              submitted(mistyped, "hol-mistyped"),
              submitted(cli.lifecycle, "hol-behind-1"),
              oversized(cli.lifecycle, "hol-too-large"),
              padded(smallMessagesTopic(infra), "hol-too-large-for-topic"),
              submitted(cli.lifecycle, "hol-behind-2")));

      CliFixture.Result emit =
          cli.run("emit", "job.submitted", "--job-id", "hol-new", "--service", "cron");

      assertThat(emit.exitCode()).as(emit.err()).isZero();
      assertThat(emit.out()).contains("sent 2 spooled records", "sent job.submitted");
      assertThat(emit.err()).contains(Spool.REJECTED_FILE, "3 records");
      assertThat(spool.read()).as("nothing left to block the next command").isEmpty();
      List<String> rejected = Files.readAllLines(cli.spoolDir.resolve(Spool.REJECTED_FILE));
      assertThat(rejected).hasSize(3);
      JsonNode topicMissing = JSON.readTree(rejected.get(0));
      assertThat(topicMissing.get("topic").asText()).isEqualTo(mistyped);
      assertThat(topicMissing.get("key").asText()).isEqualTo("hol-mistyped");
      assertThat(topicMissing.get("reason").asText()).contains("does not exist");
      assertThat(Instant.parse(topicMissing.get("rejected_at").asText())).isNotNull();
      JsonNode tooLarge = JSON.readTree(rejected.get(1));
      assertThat(tooLarge.get("key").asText()).isEqualTo("hol-too-large");
      assertThat(tooLarge.get("reason").asText()).contains("RecordTooLargeException");
      JsonNode tooLargeForTopic = JSON.readTree(rejected.get(2));
      assertThat(tooLargeForTopic.get("key").asText()).isEqualTo("hol-too-large-for-topic");
      assertThat(tooLargeForTopic.get("reason").asText()).contains("RecordTooLargeException");
      CliFixture.await(
          "the records behind the refused ones and the new event in jobs",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM jobs"
                          + " WHERE job_id IN ('hol-behind-1', 'hol-behind-2', 'hol-new')")
                  == 3);

      CliFixture.Result show = cli.run("spool", "show");
      assertThat(show.exitCode()).isZero();
      assertThat(show.out())
          .contains("rejected", mistyped, "hol-mistyped", "does not exist", "hol-too-large");
      CliFixture.Result flush = cli.run("spool", "flush");
      assertThat(flush.exitCode()).as("refused records are not left in the spool").isZero();
    }
  }

  @Test
  @DisplayName(
      "run whose spool starts with a record for a missing topic delivers its own job, not spools it"
          + " behind it")
  void runIsNotBlockedByARecordForAMissingTopic(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      String mistyped = "jobwatch.lifecyle-" + UUID.randomUUID();
      Spool spool = new Spool(cli.spoolDir, notice -> {});
      spool.append(List.of(submitted(mistyped, "hol-run-mistyped")));

      CliFixture.Result run = cli.run("run", "--monitor", "hol-run", "--", "sh", "-c", "exit 3");

      assertThat(run.exitCode()).isEqualTo(3);
      assertThat(run.err()).contains(Spool.REJECTED_FILE).doesNotContain("spooled 3 events");
      assertThat(spool.read()).isEmpty();
      assertThat(Files.readAllLines(cli.spoolDir.resolve(Spool.REJECTED_FILE))).hasSize(1);
      CliFixture.await(
          "the run in jobs",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM jobs WHERE monitor = 'hol-run' AND state = 'failed'"
                          + " AND exit_code = 3")
                  == 1);
    }
  }

  @Test
  @DisplayName(
      "emit --spool does not spool an event Kafka refuses for good: exit 1 with the reason, and the"
          + " next event goes out")
  void emitDoesNotSpoolAnEventKafkaRefusesForGood(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      java.util.Map<String, String> small = new java.util.HashMap<>(cli.environment());
      small.put("JOBWATCH_LIFECYCLE_TOPIC", smallMessagesTopic(infra));

      CliFixture.Result refused =
          cli.run(
              small,
              "emit",
              "--spool",
              "job.submitted",
              "--job-id",
              "hol-huge",
              "--service",
              "cron",
              "--data",
              labelsOf4000Bytes());

      assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(1);
      assertThat(refused.err()).contains("RecordTooLargeException", "not spooled");
      assertThat(new Spool(cli.spoolDir, notice -> {}).read()).isEmpty();
      CliFixture.Result next =
          cli.run("emit", "--spool", "job.submitted", "--job-id", "hol-after", "--service", "cron");
      assertThat(next.exitCode()).as(next.err()).isZero();
      assertThat(next.out()).contains("sent job.submitted");
      assertThat(next.err()).doesNotContain("spooled");
    }
  }

  /** {@code --data} of ten labels of 400 characters: valid, and larger than 1000 bytes. */
  private static String labelsOf4000Bytes() {
    com.fasterxml.jackson.databind.node.ObjectNode data = JSON.createObjectNode();
    com.fasterxml.jackson.databind.node.ObjectNode labels = data.putObject("labels");
    for (int i = 0; i < 10; i++) {
      labels.put("padding" + i, "x".repeat(400));
    }
    return data.toString();
  }

  /** A topic whose broker takes records of at most 1000 bytes ({@code max.message.bytes}). */
  private static String smallMessagesTopic(Infra infra) throws Exception {
    String topic = "hol-small-" + UUID.randomUUID();
    try (org.apache.kafka.clients.admin.Admin admin =
        org.apache.kafka.clients.admin.Admin.create(
            java.util.Map.of("bootstrap.servers", infra.kafkaBootstrap()))) {
      admin
          .createTopics(
              List.of(
                  new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)
                      .configs(java.util.Map.of("max.message.bytes", "1000"))))
          .all()
          .get();
    }
    return topic;
  }

  private static OutgoingRecord submitted(String topic, String jobId) {
    return submitted(topic, jobId, 0);
  }

  /** Larger than a topic of {@link #smallMessagesTopic} takes (the broker refuses it). */
  private static OutgoingRecord padded(String topic, String jobId) {
    return submitted(topic, jobId, 4_000);
  }

  /** Larger than the producer's max.request.size (1 MiB): Kafka can never take it. */
  private static OutgoingRecord oversized(String topic, String jobId) {
    return submitted(topic, jobId, 1_100_000);
  }

  /** A job.submitted with {@code padding} characters of padding in its data (none if 0). */
  private static OutgoingRecord submitted(String topic, String jobId, int padding) {
    ObjectNode data =
        CliEvents.MAPPER.createObjectNode().put("job_id", jobId).put("service", "cron");
    if (padding > 0) {
      data.put("padding", "x".repeat(padding));
    }
    String envelope = CliEvents.envelope("job.submitted", Instant.now(), data).toString();
    return new OutgoingRecord(topic, jobId, envelope);
  }
}
