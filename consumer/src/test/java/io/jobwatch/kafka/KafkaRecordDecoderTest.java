package io.jobwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.contract.EventDecoder;
import io.jobwatch.core.ClockSkew;
import io.jobwatch.core.StageEvent;
import io.jobwatch.pipeline.Item;
import io.jobwatch.pipeline.RecordHeader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Decoding a consumed record: key contract, clock skew and record metadata")
class KafkaRecordDecoderTest {
  private static final EventDecoder EVENTS = new EventDecoder();
  private static final Instant RECORD_TIME = Instant.parse("2026-11-22T10:00:00Z");
  private final List<String> skewed = new ArrayList<>();
  private final KafkaRecordDecoder decoder =
      new KafkaRecordDecoder(EVENTS, new ClockSkew(Duration.ofMinutes(5)), skewed::add);

  private static String started(String jobId, Instant time) {
    return "{\"specversion\":\"1.0\",\"id\":\"e-"
        + jobId
        + "\",\"source\":\"/runner\",\"type\":\"job.started\",\"time\":\""
        + time
        + "\",\"data\":{\"job_id\":\""
        + jobId
        + "\",\"service\":\"blast\",\"runner\":\"slurm\",\"attempt\":1}}";
  }

  private static String stageOk(String service, Instant time) {
    return "{\"specversion\":\"1.0\",\"id\":\"ok-1\",\"source\":\"/runner\",\"type\":\"stage.ok\","
        + "\"time\":\""
        + time
        + "\",\"data\":{\"service\":\""
        + service
        + "\",\"runner\":\"slurm\",\"stage\":\"submit\"}}";
  }

  private static ConsumerRecord<byte[], byte[]> record(
      String topic, byte[] key, String value, long timestamp, RecordHeaders headers) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    return new ConsumerRecord<>(
        topic,
        3,
        42L,
        timestamp,
        TimestampType.LOG_APPEND_TIME,
        key == null ? -1 : key.length,
        bytes.length,
        key,
        bytes,
        headers,
        Optional.empty());
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("A lifecycle record keyed by its job_id is accepted and carries key, time, headers")
  void wellKeyedRecordIsValid() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", utf8("00-abc-01"));
    headers.add("empty", null);

    Item item =
        decoder.decode(
            record(
                "lifecycle",
                utf8("job-1"),
                started("job-1", RECORD_TIME),
                RECORD_TIME.toEpochMilli(),
                headers));

    assertThat(item).isInstanceOf(Item.Valid.class);
    Item.Valid valid = (Item.Valid) item;
    assertThat(valid.event().time()).isEqualTo(RECORD_TIME);
    assertThat(valid.meta().key()).isEqualTo(utf8("job-1"));
    assertThat(valid.meta().timestamp()).isEqualTo(RECORD_TIME);
    assertThat(valid.meta().headers())
        .extracting(RecordHeader::key)
        .containsExactly("traceparent", "empty");
    assertThat(valid.meta().headers().get(0).value()).isEqualTo(utf8("00-abc-01"));
    assertThat(valid.meta().headers().get(1).value()).isNull();
    assertThat(skewed).isEmpty();
  }

  @Test
  @DisplayName("A null key, another job's id or a non-UTF-8 key is a dead letter naming both keys")
  void misKeyedRecordsAreDeadLetters() {
    String value = started("job-1", RECORD_TIME);
    long ts = RECORD_TIME.toEpochMilli();

    Item.Invalid nullKey =
        (Item.Invalid) decoder.decode(record("lifecycle", null, value, ts, new RecordHeaders()));
    Item.Invalid otherKey =
        (Item.Invalid)
            decoder.decode(record("lifecycle", utf8("job-2"), value, ts, new RecordHeaders()));
    byte[] binary = {(byte) 0xff, (byte) 0xfe};
    Item.Invalid binaryKey =
        (Item.Invalid) decoder.decode(record("lifecycle", binary, value, ts, new RecordHeaders()));

    assertThat(nullKey.reason())
        .isEqualTo("record key must be the event's job_id \"job-1\", but it is null (no key)");
    assertThat(otherKey.reason())
        .isEqualTo("record key must be the event's job_id \"job-1\", but it is \"job-2\"");
    assertThat(otherKey.meta().key()).isEqualTo(utf8("job-2"));
    assertThat(otherKey.value()).isEqualTo(utf8(value));
    assertThat(binaryKey.reason()).endsWith("but it is \"base64://4=\"");
    assertThat(binaryKey.meta().key()).isEqualTo(binary);
  }

  @Test
  @DisplayName(
      "A key that is the id serialised otherwise (JSON quotes, a UUID's 16 bytes, a CR or newline"
          + " from a shell) is a dead letter saying so, the key shown with its control characters")
  void keysSerialisedOtherwiseAreNamed() {
    String uuid = "0b6f4c1e-8d2a-4f7b-b1c3-5e9a7d2f4c10";
    String value = started(uuid, RECORD_TIME);
    long ts = RECORD_TIME.toEpochMilli();
    java.util.UUID parsed = java.util.UUID.fromString(uuid);
    byte[] rawUuid =
        java.nio.ByteBuffer.allocate(16)
            .putLong(parsed.getMostSignificantBits())
            .putLong(parsed.getLeastSignificantBits())
            .array();

    String jsonKey = reason(utf8("\"" + uuid + "\""), value, ts);
    String bytesKey = reason(rawUuid, value, ts);
    String crKey = reason(utf8(uuid + "\r"), value, ts);
    String newlineKey = reason(utf8(uuid + "\n"), value, ts);
    byte[] json = utf8("\"" + uuid + "\"");
    String registryKey =
        reason(
            java.nio.ByteBuffer.allocate(5 + json.length).put((byte) 0).putInt(3).put(json).array(),
            value,
            ts);

    String expected = "record key must be the event's job_id \"" + uuid + "\", but it is ";
    assertThat(jsonKey).startsWith(expected + "\"\\\"" + uuid + "\\\"\"").contains("JSON-encoded");
    assertThat(bytesKey).startsWith(expected + "\"base64:").contains("16 raw bytes");
    assertThat(crKey).startsWith(expected + "\"" + uuid + "\\r\"").contains("line terminator");
    assertThat(newlineKey).startsWith(expected + "\"" + uuid + "\\n\"").contains("line terminator");
    assertThat(registryKey)
        .startsWith(expected + "\"\\u0000\\u0000\\u0000\\u0000\\u0003\\\"" + uuid)
        .contains("Schema Registry framing");
    // A UUID whose 16 bytes are all ASCII, so that they happen to be valid UTF-8 as well.
    String asciiUuid = "01020304-0506-4708-090a-0b0c0d0e0f10";
    java.util.UUID ascii = java.util.UUID.fromString(asciiUuid);
    byte[] asciiBytes =
        java.nio.ByteBuffer.allocate(16)
            .putLong(ascii.getMostSignificantBits())
            .putLong(ascii.getLeastSignificantBits())
            .array();
    String asciiBytesKey = reason(asciiBytes, started(asciiUuid, RECORD_TIME), ts);
    assertThat(asciiBytesKey).contains("16 raw bytes").contains("\\u0001");
    for (String reason :
        List.of(jsonKey, bytesKey, crKey, newlineKey, registryKey, asciiBytesKey)) {
      assertThat(reason).doesNotContain("\r", "\n");
    }
  }

  private String reason(byte[] key, String value, long timestamp) {
    Item item = decoder.decode(record("lifecycle", key, value, timestamp, new RecordHeaders()));
    assertThat(item).isInstanceOf(Item.Invalid.class);
    return ((Item.Invalid) item).reason();
  }

  @Test
  @DisplayName("A stage record must be keyed by its service")
  void stageRecordKeyedByService() {
    long ts = RECORD_TIME.toEpochMilli();
    assertThat(
            decoder.decode(
                record(
                    "errors",
                    utf8("blast"),
                    stageOk("blast", RECORD_TIME),
                    ts,
                    new RecordHeaders())))
        .isInstanceOf(Item.Valid.class);
    Item.Invalid byJob =
        (Item.Invalid)
            decoder.decode(
                record(
                    "errors",
                    utf8("job-1"),
                    stageOk("blast", RECORD_TIME),
                    ts,
                    new RecordHeaders()));
    assertThat(byJob.reason())
        .isEqualTo("record key must be the event's service \"blast\", but it is \"job-1\"");
  }

  @Test
  @DisplayName(
      "An event over five minutes ahead of its record is re-timed and counted; a late one is not")
  void clockSkewIsBoundedAndCounted() {
    long ts = RECORD_TIME.toEpochMilli();
    Item.Valid fast =
        (Item.Valid)
            decoder.decode(
                record(
                    "errors",
                    utf8("blast"),
                    stageOk("blast", RECORD_TIME.plus(Duration.ofHours(1))),
                    ts,
                    new RecordHeaders()));
    Item.Valid late =
        (Item.Valid)
            decoder.decode(
                record(
                    "lifecycle",
                    utf8("job-1"),
                    started("job-1", RECORD_TIME.minus(Duration.ofHours(5))),
                    ts,
                    new RecordHeaders()));

    assertThat(fast.event().time()).isEqualTo(RECORD_TIME);
    assertThat(fast.event()).isInstanceOf(StageEvent.class);
    assertThat(fast.envelopeJson()).contains(RECORD_TIME.plus(Duration.ofHours(1)).toString());
    assertThat(late.event().time()).isEqualTo(RECORD_TIME.minus(Duration.ofHours(5)));
    assertThat(skewed).containsExactly("errors");
  }

  @Test
  @DisplayName("A structured record with content-type application/json and no ce_ header is valid")
  void pythonSdkStructuredRecordIsValid() {
    // sdk-python's cloudevents.kafka.to_structured: datacontenttype becomes this header.
    RecordHeaders headers = new RecordHeaders();
    headers.add("content-type", utf8("application/json"));
    String value = started("job-1", RECORD_TIME);

    Item item =
        decoder.decode(
            record("lifecycle", utf8("job-1"), value, RECORD_TIME.toEpochMilli(), headers));

    assertThat(item).isInstanceOf(Item.Valid.class);
    assertThat(((Item.Valid) item).envelopeJson()).isEqualTo(value);
  }

  @Test
  @DisplayName("An undecodable record keeps its key and headers for the dead letter")
  void rejectedRecordKeepsMeta() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("ce_type", utf8("job.started"));
    Item.Invalid invalid =
        (Item.Invalid)
            decoder.decode(
                record(
                    "lifecycle", utf8("job-1"), "not json", RECORD_TIME.toEpochMilli(), headers));
    assertThat(invalid.meta().key()).isEqualTo(utf8("job-1"));
    assertThat(invalid.meta().headers()).extracting(RecordHeader::key).containsExactly("ce_type");
    assertThat(invalid.reason()).isNotBlank();
  }
}
