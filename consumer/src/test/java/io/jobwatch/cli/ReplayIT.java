package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 10.6: {@code dead-letters replay} is at most once, faithful, and selective. */
@WithInfra
class ReplayIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @DisplayName(
      "Replay sends the original key, value and headers once; a second replay is skipped; --force sends again")
  void replayIsFaithfulAndIdempotent(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      long id = deadLetter(cli, cli.errors, "svc-a", "not json A");
      // The record's headers as the consumer stores them (interfaces.md #2, V5).
      String trace = Base64.getEncoder().encodeToString("abc".getBytes(StandardCharsets.UTF_8));
      cli.jdbi()
          .useHandle(
              handle ->
                  handle
                      .createUpdate(
                          "UPDATE dead_letters SET record_headers = CAST(:headers AS jsonb)"
                              + " WHERE id = :id")
                      .bind(
                          "headers",
                          "[{\"key\":\"trace\",\"value\":\""
                              + trace
                              + "\"},"
                              + "{\"key\":\"empty\",\"value\":null}]")
                      .bind("id", id)
                      .execute());

      CliFixture.Result first = cli.run("dead-letters", "replay", Long.toString(id));

      assertThat(first.exitCode()).as(first.err()).isZero();
      assertThat(first.out()).contains("replayed dead letter " + id, "1 replayed");
      Map<String, Object> row =
          cli.jdbi()
              .withHandle(
                  handle ->
                      handle
                          .createQuery(
                              "SELECT replayed_partition, replayed_offset, replay_claimed_at"
                                  + " FROM dead_letters WHERE id = :id")
                          .bind("id", id)
                          .mapToMap()
                          .one());
      assertThat(row.get("replay_claimed_at")).isNull();
      ConsumerRecord<byte[], byte[]> sent =
          recordAt(
              cli,
              new TopicPartition(cli.errors, (Integer) row.get("replayed_partition")),
              (Long) row.get("replayed_offset"));
      assertThat(new String(sent.key(), StandardCharsets.UTF_8)).isEqualTo("svc-a");
      assertThat(new String(sent.value(), StandardCharsets.UTF_8)).isEqualTo("not json A");
      List<Header> headers = List.of(sent.headers().toArray());
      assertThat(headers).extracting(Header::key).containsExactly("trace", "empty");
      assertThat(new String(headers.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("abc");
      assertThat(headers.get(1).value()).isNull();

      long published = endOffsets(cli, cli.errors);
      CliFixture.Result again = cli.run("dead-letters", "replay", Long.toString(id));
      assertThat(again.exitCode()).isEqualTo(1);
      assertThat(again.out()).contains("skipped dead letter " + id + ": already replayed");
      assertThat(endOffsets(cli, cli.errors)).isEqualTo(published);

      CliFixture.Result forced = cli.run("dead-letters", "replay", "--force", Long.toString(id));
      assertThat(forced.exitCode()).as(forced.err()).isZero();
      assertThat(forced.out()).contains("replayed dead letter " + id);
      assertThat(endOffsets(cli, cli.errors)).isEqualTo(published + 1);
    }
  }

  @Test
  @DisplayName(
      "A replay interrupted between claim and mark is in doubt and not sent again without --force; a truncated letter never")
  void interruptedAndTruncatedLettersAreNotSent(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      long interrupted = deadLetter(cli, cli.errors, "svc-b", "not json B");
      long truncated = deadLetter(cli, cli.errors, "svc-c", "not json C");
      cli.jdbi()
          .useHandle(
              handle -> {
                // What a run killed after publishing and before marking leaves behind.
                handle
                    .createUpdate(
                        "UPDATE dead_letters SET replay_claimed_at = now(),"
                            + " replay_claimed_by = 'killed-run' WHERE id = :id")
                    .bind("id", interrupted)
                    .execute();
                handle
                    .createUpdate(
                        "UPDATE dead_letters SET truncated = true, original_bytes = 5000000"
                            + " WHERE id = :id")
                    .bind("id", truncated)
                    .execute();
              });
      long published = endOffsets(cli, cli.errors);

      CliFixture.Result all = cli.run("dead-letters", "replay", "--all");

      assertThat(all.exitCode()).as(all.err()).isZero();
      assertThat(all.out())
          .contains(
              "skipped dead letter " + interrupted + ": in doubt: replay run killed-run",
              "skipped dead letter " + truncated + ": it was truncated when stored (5000000 bytes)",
              "can never be replayed",
              "0 replayed, 2 skipped");
      assertThat(endOffsets(cli, cli.errors)).isEqualTo(published);
      assertThat(cli.run("dead-letters", "list").out()).contains("in doubt");

      CliFixture.Result forcedTruncated =
          cli.run("dead-letters", "replay", "--force", Long.toString(truncated));
      assertThat(forcedTruncated.exitCode()).isEqualTo(1);
      assertThat(forcedTruncated.out()).contains("not even with --force");
      assertThat(endOffsets(cli, cli.errors)).isEqualTo(published);

      CliFixture.Result forced =
          cli.run("dead-letters", "replay", "--force", Long.toString(interrupted));
      assertThat(forced.exitCode()).as(forced.err()).isZero();
      assertThat(endOffsets(cli, cli.errors)).isEqualTo(published + 1);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM dead_letters WHERE id = ? AND replayed_at IS NOT NULL"
                      + " AND replay_claimed_by IS NULL",
                  interrupted))
          .isEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "--topic, --reason, --since, --until and --limit select letters; --dry-run sends and marks nothing")
  void filtersAndDryRun(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      long oldLifecycle = deadLetter(cli, cli.lifecycle, "job-1", "not json L");
      long firstError = deadLetter(cli, cli.errors, "svc-1", "not json E");
      long schemaError = deadLetter(cli, cli.errors, "svc-2", "{\"specversion\":\"1.0\"}");
      cli.jdbi()
          .useHandle(
              handle ->
                  handle
                      .createUpdate(
                          "UPDATE dead_letters SET received_at = now() - interval '3 days'"
                              + " WHERE id = :id")
                      .bind("id", oldLifecycle)
                      .execute());
      long lifecycleEnd = endOffsets(cli, cli.lifecycle);
      long errorsEnd = endOffsets(cli, cli.errors);

      assertThat(dryRun(cli, "--topic", cli.errors)).containsExactly(firstError, schemaError);
      assertThat(dryRun(cli, "--reason", "NOT json")).containsExactly(oldLifecycle, firstError);
      assertThat(dryRun(cli, "--since", "1d")).containsExactly(firstError, schemaError);
      assertThat(dryRun(cli, "--until", "1d")).containsExactly(oldLifecycle);
      assertThat(dryRun(cli, "--all", "--limit", "2")).containsExactly(oldLifecycle, firstError);
      assertThat(endOffsets(cli, cli.lifecycle)).isEqualTo(lifecycleEnd);
      assertThat(endOffsets(cli, cli.errors)).isEqualTo(errorsEnd);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM dead_letters WHERE replayed_at IS NOT NULL"
                      + " OR replay_claimed_at IS NOT NULL"))
          .isZero();

      CliFixture.Result limited =
          cli.run("dead-letters", "replay", "--topic", cli.errors, "--limit", "1");
      assertThat(limited.exitCode()).as(limited.err()).isZero();
      assertThat(limited.out()).contains("replayed dead letter " + firstError, "1 replayed");
      assertThat(endOffsets(cli, cli.errors)).isEqualTo(errorsEnd + 1);
      assertThat(endOffsets(cli, cli.lifecycle)).isEqualTo(lifecycleEnd);
      assertThat(cli.count("SELECT count(*) FROM dead_letters WHERE replayed_at IS NOT NULL"))
          .isEqualTo(1);
      assertThat(cli.run("dead-letters", "replay").exitCode())
          .as("no selection at all is refused")
          .isEqualTo(2);
    }
  }

  private static List<Long> dryRun(CliFixture cli, String... selection) {
    String[] args = new String[selection.length + 3];
    args[0] = "dead-letters";
    args[1] = "replay";
    args[2] = "--dry-run";
    System.arraycopy(selection, 0, args, 3, selection.length);
    CliFixture.Result result = cli.run(args);
    assertThat(result.exitCode()).as(result.err()).isZero();
    Matcher matcher = Pattern.compile("would replay dead letter (\\d+)").matcher(result.out());
    List<Long> ids = new java.util.ArrayList<>();
    while (matcher.find()) {
      ids.add(Long.parseLong(matcher.group(1)));
    }
    return ids;
  }

  /** Sends a poison record and returns the id of its dead letter. */
  @Test
  @DisplayName(
      "Letters an older contract refused (null optional fields), structured and binary, are"
          + " applied once replayed")
  void lettersOfAStricterContractApplyOnReplay(Infra infra) {
    try (CliFixture cli = new CliFixture(infra)) {
      String structured =
          """
          {"specversion":"1.0","id":"old-null-1","source":"/runner/go","type":"job.started",
           "time":"2026-11-22T10:00:05Z","datacontenttype":"application/json",
           "data":{"job_id":"replay-null-1","service":"blast","runner":"slurm","attempt":1,
                   "host":null}}""";
      String ceHeaders =
          "["
              + header("ce_specversion", "1.0")
              + ","
              + header("ce_id", "old-null-2")
              + ","
              + header("ce_source", "/runner/go")
              + ","
              + header("ce_type", "job.started")
              + ","
              + header("ce_time", "2026-11-22T10:00:06Z")
              + ","
              + header("content-type", "application/json")
              + "]";
      String binary =
          """
          {"job_id":"replay-null-2","service":"blast","runner":"slurm","attempt":1,"host":null}""";
      cli.jdbi()
          .useHandle(
              handle -> {
                String insert =
                    "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset, record_key,"
                        + " record_value, reason, record_headers) VALUES (:topic, 0, :offset,"
                        + " :key, :value, '$.data.host: null found, string expected',"
                        + " CAST(:headers AS jsonb))";
                handle
                    .createUpdate(insert)
                    .bind("topic", cli.lifecycle)
                    .bind("offset", 90_001L)
                    .bind("key", "replay-null-1".getBytes(StandardCharsets.UTF_8))
                    .bind("value", structured.getBytes(StandardCharsets.UTF_8))
                    .bind("headers", "[]")
                    .execute();
                handle
                    .createUpdate(insert)
                    .bind("topic", cli.lifecycle)
                    .bind("offset", 90_002L)
                    .bind("key", "replay-null-2".getBytes(StandardCharsets.UTF_8))
                    .bind("value", binary.getBytes(StandardCharsets.UTF_8))
                    .bind("headers", ceHeaders)
                    .execute();
              });

      CliFixture.Result replay =
          cli.run("dead-letters", "replay", "--reason", "null found, string expected");

      assertThat(replay.exitCode()).as(replay.out() + replay.err()).isZero();
      assertThat(replay.out()).contains("2 replayed");
      CliFixture.await(
          "both replayed jobs to run",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM jobs WHERE job_id IN ('replay-null-1', 'replay-null-2')"
                          + " AND state = 'running'")
                  == 2);
      assertThat(cli.count("SELECT count(*) FROM dead_letters")).isEqualTo(2);
      assertThat(cli.count("SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL")).isZero();
    }
  }

  private static String header(String key, String value) {
    return "{\"key\":\""
        + key
        + "\",\"value\":\""
        + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
        + "\"}";
  }

  private static long deadLetter(CliFixture cli, String topic, String key, String value) {
    long before = cli.count("SELECT count(*) FROM dead_letters");
    cli.sendRaw(topic, key, value);
    CliFixture.await(
        "the dead letter of " + key,
        WAIT,
        () -> cli.count("SELECT count(*) FROM dead_letters") == before + 1);
    return cli.count(
        "SELECT id FROM dead_letters WHERE convert_from(record_key, 'UTF8') = ? AND topic = ?",
        key,
        topic);
  }

  private static KafkaConsumer<byte[], byte[]> reader(CliFixture cli) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cli.infra.kafkaBootstrap());
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(properties);
  }

  /** How many records the topic holds, over all partitions. */
  private static long endOffsets(CliFixture cli, String topic) {
    try (KafkaConsumer<byte[], byte[]> reader = reader(cli)) {
      List<TopicPartition> partitions =
          reader.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      return reader.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static ConsumerRecord<byte[], byte[]> recordAt(
      CliFixture cli, TopicPartition partition, long offset) {
    try (KafkaConsumer<byte[], byte[]> reader = reader(cli)) {
      reader.assign(List.of(partition));
      reader.seek(partition, offset);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
          if (record.offset() == offset) {
            return record;
          }
        }
      }
      throw new AssertionError("no record at " + partition + "@" + offset);
    }
  }
}
