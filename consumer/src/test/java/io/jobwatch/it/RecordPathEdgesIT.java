package io.jobwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.app.JobwatchApp;
import io.jobwatch.testing.Infra;
import io.jobwatch.testing.WithInfra;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Records that once stalled the consumer or went through a committed batch again. */
@WithInfra
class RecordPathEdgesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  @DisplayName(
      "A rejected record with a NUL in a header key (jsonb refuses it) is dead-lettered and the"
          + " partition moves on")
  void nulInAHeaderKeyDoesNotStall(Infra infra) {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer to be ready", WAIT, app::isReady);
      submit(harness, "before", 2);
      RecordHeaders headers = new RecordHeaders();
      headers.add("trace\u0000id", "abc".getBytes(StandardCharsets.UTF_8));
      harness
          .producer()
          .send(
              new ProducerRecord<>(
                  harness.lifecycle,
                  null,
                  "poison".getBytes(StandardCharsets.UTF_8),
                  "not json at all".getBytes(StandardCharsets.UTF_8),
                  headers));
      submit(harness, "after", 2);
      harness.flush();

      Harness.await(
          "all 5 records to be handled",
          WAIT,
          () ->
              harness.countOnceMigrated(
                      "SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                  == 5);

      assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(4);
      assertThat(harness.count("SELECT count(*) FROM dead_letters")).isEqualTo(1);
      assertThat(
              harness.count(
                  "SELECT count(*) FROM dead_letters WHERE record_value = 'not json at all'::bytea"
                      + " AND record_headers -> 0 ->> 'keyBase64' = 'dHJhY2UAaWQ='"))
          .as("the dead letter keeps the header, its key in base64")
          .isEqualTo(1);
      assertThat(app.isReady()).isTrue();
    }
  }

  @Test
  @DisplayName(
      "An event stamped in 1700 is applied and counted once, without a second pass over its"
          + " committed batch")
  void ancientEventTimeIsCountedOnce(Infra infra) throws Exception {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer to be ready", WAIT, app::isReady);
      submit(harness, "before", 2);
      harness.lifecycleEvent(
          "job.submitted",
          Instant.parse("1700-01-01T00:00:00Z"),
          Map.of("job_id", "ancient", "service", "blast"));
      submit(harness, "after", 2);
      harness.flush();
      Harness.await(
          "all 5 records to be handled",
          WAIT,
          () ->
              harness.countOnceMigrated(
                      "SELECT coalesce(sum(next_offset), 0) FROM consumer_offsets")
                  == 5);
      // The offsets move at the COMMIT; the batch is counted after it returned.
      harness.awaitCounted(app, 5);

      Scrape scrape = Scrape.metrics(app.httpPort());
      assertThat(harness.count("SELECT count(*) FROM jobs")).isEqualTo(5);
      assertThat(scrape.events(harness.lifecycle, "applied")).isEqualTo(5.0);
      assertThat(scrape.events(harness.lifecycle, "duplicate"))
          .as("no record was counted twice")
          .isZero();
    }
  }

  @Test
  @DisplayName(
      "Events behind Confluent Schema Registry framing (KafkaJsonSchemaSerializer), structured and"
          + " binary, are applied; framing before Avro is dead-lettered naming the schema id")
  void schemaRegistryFramedValuesAreRead(Infra infra) {
    try (Harness harness = new Harness(infra, 1);
        JobwatchApp app = harness.startApp()) {
      Harness.await("the consumer to be ready", WAIT, app::isReady);
      String submitted = UUID.randomUUID().toString();
      harness.send(
          harness.lifecycle,
          "framed",
          schemaRegistryFramed(
              17,
              Envelopes.event(
                  submitted,
                  "job.submitted",
                  T0,
                  Envelopes.json(Map.of("job_id", "framed", "service", "blast")))));
      String started = UUID.randomUUID().toString();
      RecordHeaders headers = new RecordHeaders();
      headers.add("ce_specversion", utf8("1.0"));
      headers.add("ce_id", utf8(started));
      headers.add("ce_source", utf8("/runner/slurm/eu-1"));
      headers.add("ce_type", utf8("job.started"));
      headers.add("ce_time", utf8(T0.plusSeconds(1).toString()));
      headers.add("content-type", utf8("application/json"));
      harness
          .producer()
          .send(
              new ProducerRecord<>(
                  harness.lifecycle,
                  null,
                  utf8("framed"),
                  schemaRegistryFramed(
                      17,
                      Envelopes.json(Map.of("job_id", "framed", "runner", "slurm", "attempt", 1))),
                  headers));
      byte[] avro = {0x00, 0x00, 0x00, 0x00, 0x09, 0x0c, 'f', 'r', 'a', 'm', 'e', 'd'};
      harness.send(harness.lifecycle, "framed", avro);
      harness.awaitStored(submitted, started);
      harness.awaitCounted(app, 3);

      Map<String, Object> row = harness.job("framed");
      assertThat(row.get("state")).isEqualTo("running");
      assertThat(row.get("service")).isEqualTo("blast");
      assertThat(row.get("runner")).isEqualTo("slurm");
      assertThat(
              harness.count(
                  "SELECT count(*) FROM dead_letters WHERE reason LIKE 'record value has Confluent"
                      + " Schema Registry framing (schema id 9): %'"))
          .isEqualTo(1);
      Scrape scrape = Scrape.metrics(app.httpPort());
      assertThat(scrape.events(harness.lifecycle, "applied")).isEqualTo(2.0);
      assertThat(scrape.events(harness.lifecycle, "dead_lettered")).isEqualTo(1.0);
    }
  }

  /** The Confluent wire format: magic byte 0, the schema id (4 bytes big-endian), the JSON. */
  private static byte[] schemaRegistryFramed(int schemaId, String json) {
    byte[] payload = utf8(json);
    return ByteBuffer.allocate(5 + payload.length)
        .put((byte) 0)
        .putInt(schemaId)
        .put(payload)
        .array();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void submit(Harness harness, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      harness.lifecycleEvent(
          "job.submitted",
          T0.plusSeconds(i),
          Map.of("job_id", prefix + "-" + i, "service", "blast"));
    }
  }
}
