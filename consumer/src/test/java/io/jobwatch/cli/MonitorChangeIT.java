package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code jobwatch monitors pause|resume|retire NAME}: a name the database does not know as a
 * declared monitor is refused before anything is sent, unless {@code --force}.
 */
@WithInfra
class MonitorChangeIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  @DisplayName(
      "a mistyped or retired monitor name is refused and nothing is sent; the right name, --force"
          + " and an unreachable database send")
  void namesAreChecked(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      assertThat(
              cli.run(
                      "emit",
                      "monitor.declared",
                      "--data",
                      "{\"monitor\":\"nightly-backup\",\"team\":\"ops\","
                          + "\"schedule\":{\"every\":\"P1D\"},\"grace\":\"PT1H\"}")
                  .exitCode())
          .isZero();
      CliFixture.await(
          "the declaration",
          WAIT,
          () -> cli.count("SELECT count(*) FROM monitor_declarations") == 1);
      long sent = records(cli);

      CliFixture.Result typo = cli.run("monitors", "pause", "nightly-bakup");

      assertThat(typo.exitCode()).isEqualTo(Publishing.INVALID);
      assertThat(typo.err()).contains("no monitor named \"nightly-bakup\" is declared (1 are;");
      assertThat(records(cli)).isEqualTo(sent);

      CliFixture.Result pause = cli.run("monitors", "pause", "nightly-backup");

      assertThat(pause.exitCode()).as(pause.err()).isZero();
      assertThat(records(cli)).isEqualTo(sent + 1);
      CliFixture.await(
          "the pause",
          WAIT,
          () ->
              cli.count("SELECT count(*) FROM monitors WHERE monitor = 'nightly-backup' AND paused")
                  == 1);

      assertThat(cli.run("monitors", "retire", "nightly-backup").exitCode()).isZero();
      CliFixture.await(
          "the retirement",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM monitors WHERE monitor = 'nightly-backup'"
                          + " AND retired_at IS NOT NULL")
                  == 1);
      long beforeRetired = records(cli);

      CliFixture.Result resumeRetired = cli.run("monitors", "resume", "nightly-backup");

      assertThat(resumeRetired.exitCode()).isEqualTo(Publishing.INVALID);
      assertThat(resumeRetired.err()).contains("monitor nightly-backup is retired");
      assertThat(records(cli)).isEqualTo(beforeRetired);
      assertThat(cli.run("monitors", "retire", "nightly-backup").exitCode())
          .as("retiring again is harmless")
          .isZero();
      assertThat(cli.run("monitors", "pause", "weekly-report", "--force").exitCode()).isZero();
      assertThat(records(cli)).isEqualTo(beforeRetired + 2);

      Map<String, String> noDatabase = new HashMap<>(cli.environment());
      noDatabase.put("JOBWATCH_DB_URL", "jdbc:postgresql://127.0.0.1:1/jobwatch");
      noDatabase.put("JOBWATCH_DB_PASSWORD", "s3cret-pw");

      CliFixture.Result unchecked = cli.run(noDatabase, "monitors", "pause", "weekly-report");

      assertThat(unchecked.exitCode()).as(unchecked.err()).isZero();
      assertThat(unchecked.err())
          .contains("warning: could not check that monitor weekly-report is declared")
          .doesNotContain("s3cret-pw");
      assertThat(records(cli)).isEqualTo(beforeRetired + 3);
    }
  }

  /** The records on the lifecycle topic: the sum of its partitions' end offsets. */
  private static long records(CliFixture cli) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cli.infra.kafkaBootstrap());
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(cli.lifecycle).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
