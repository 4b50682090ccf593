package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.CloudEventSerializer;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Publishes with the CloudEvents Java SDK ({@code io.cloudevents:cloudevents-kafka}) exactly as a
 * Java publisher would, in both content modes, and checks the rows jobwatch folded.
 */
@WithInfra
class CloudEventsSdkIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final OffsetDateTime T0 =
      OffsetDateTime.of(2026, 11, 22, 10, 0, 0, 0, ZoneOffset.UTC);

  @Test
  @DisplayName("A job published by the Java SDK in binary mode folds like one in structured mode")
  void bothContentModesFoldAlike(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      try (KafkaProducer<String, CloudEvent> binary = producer(infra, Encoding.BINARY);
          KafkaProducer<String, CloudEvent> structured = producer(infra, Encoding.STRUCTURED)) {
        publishJob(binary, cli.lifecycle, "sdk-binary", 0);
        publishJob(structured, cli.lifecycle, "sdk-structured", 0);
        publishJob(binary, cli.lifecycle, "sdk-binary-failed", 3);
      }

      CliFixture.await(
          "the three SDK jobs to finish",
          WAIT,
          () -> cli.count("SELECT count(*) FROM jobs WHERE finished_at IS NOT NULL") == 3);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM jobs WHERE job_id IN ('sdk-binary', 'sdk-structured')"
                      + " AND state = 'succeeded' AND service = 'blast' AND runner = 'slurm'"
                      + " AND attempt = 1 AND exit_code = 0"
                      + " AND started_at = '2026-11-22T10:00:01Z' AND finished_at = '2026-11-22T10:00:02Z'"))
          .isEqualTo(2);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM jobs WHERE job_id = 'sdk-binary-failed'"
                      + " AND state = 'failed' AND exit_code = 3"))
          .isEqualTo(1);
      assertThat(
              cli.count(
                  "SELECT count(*) FROM job_events WHERE job_id = 'sdk-binary'"
                      + " AND source = '/sdk/java' AND envelope->'data'->>'service' = 'blast'"
                      + " AND envelope->>'specversion' = '1.0'"))
          .isEqualTo(1);
      assertThat(cli.count("SELECT count(*) FROM job_events")).isEqualTo(9);
      assertThat(cli.count("SELECT count(*) FROM dead_letters")).isZero();
    }
  }

  @Test
  @DisplayName("A binary-mode SDK event without time is dead-lettered with a reason naming ce_time")
  void binaryEventWithoutTimeIsDeadLettered(Infra infra) throws Exception {
    try (CliFixture cli = new CliFixture(infra)) {
      CloudEvent withoutTime =
          CloudEventBuilder.v1()
              .withId(UUID.randomUUID().toString())
              .withSource(URI.create("/sdk/java"))
              .withType("job.submitted")
              .withDataContentType("application/json")
              .withData(
                  "{\"job_id\":\"sdk-no-time\",\"service\":\"blast\"}"
                      .getBytes(StandardCharsets.UTF_8))
              .build();
      try (KafkaProducer<String, CloudEvent> binary = producer(infra, Encoding.BINARY)) {
        binary.send(new ProducerRecord<>(cli.lifecycle, "sdk-no-time", withoutTime)).get();
      }

      CliFixture.await(
          "the dead letter",
          WAIT,
          () ->
              cli.count(
                      "SELECT count(*) FROM dead_letters WHERE reason LIKE 'header ce_time: missing%'")
                  == 1);
      assertThat(cli.count("SELECT count(*) FROM jobs")).isZero();
    }
  }

  private static void publishJob(
      KafkaProducer<String, CloudEvent> producer, String topic, String jobId, int exitCode)
      throws Exception {
    String[][] events = {
      {"job.submitted", "{\"job_id\":\"" + jobId + "\",\"service\":\"blast\"}"},
      {"job.started", "{\"job_id\":\"" + jobId + "\",\"runner\":\"slurm\",\"attempt\":1}"},
      {
        "job.finished",
        "{\"job_id\":\"" + jobId + "\",\"attempt\":1,\"exit_code\":" + exitCode + "}"
      }
    };
    for (int i = 0; i < events.length; i++) {
      CloudEvent event =
          CloudEventBuilder.v1()
              .withId(UUID.randomUUID().toString())
              .withSource(URI.create("/sdk/java"))
              .withType(events[i][0])
              .withTime(T0.plusSeconds(i))
              .withDataContentType("application/json")
              .withData(events[i][1].getBytes(StandardCharsets.UTF_8))
              .build();
      producer.send(new ProducerRecord<>(topic, jobId, event)).get();
    }
  }

  private static KafkaProducer<String, CloudEvent> producer(Infra infra, Encoding encoding) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrap());
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class);
    properties.put(CloudEventSerializer.ENCODING_CONFIG, encoding);
    properties.put(CloudEventSerializer.EVENT_FORMAT_CONFIG, JsonFormat.CONTENT_TYPE);
    return new KafkaProducer<>(properties);
  }
}
