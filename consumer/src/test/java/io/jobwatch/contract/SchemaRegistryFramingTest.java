package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Confluent's JSON Schema serializer ({@code KafkaJsonSchemaSerializer}, and every Schema Registry
 * serializer) writes a magic byte 0 and the schema id as 4 bytes big-endian before the JSON. A Java
 * publisher whose organisation standardised on Schema Registry sends its events so: the JSON after
 * the framing is read as the value (docs/publishing.md, "Schema Registry framing").
 */
class SchemaRegistryFramingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The Confluent wire format: magic byte 0, the schema id (4 bytes big-endian), the payload. */
  static byte[] framed(int schemaId, byte[] payload) {
    return ByteBuffer.allocate(5 + payload.length)
        .put((byte) 0)
        .putInt(schemaId)
        .put(payload)
        .array();
  }

  private static List<BinaryMode.Header> binaryHeaders() {
    return List.of(
        header("ce_specversion", "1.0"),
        header("ce_id", "6f1c2a9e-3b7d-4c1e-9a52-1b2c3d4e5f60"),
        header("ce_source", "/runner/slurm/eu-1"),
        header("ce_type", "job.submitted"),
        header("ce_time", "2026-11-22T10:00:00.123Z"),
        header("content-type", "application/json"));
  }

  private static BinaryMode.Header header(String name, String value) {
    return new BinaryMode.Header(name, value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("A structured event behind Schema Registry framing is read as the same event")
  void framedStructuredEventIsAccepted() throws IOException {
    ObjectNode event = Verdicts.validExample("job.submitted");
    byte[] json = JSON.writeValueAsBytes(event);
    // Schema ids as a registry hands them out: small, one with a byte that is '{', one large.
    for (int schemaId : new int[] {1, 0x7B, 100_042, 0x00FFFFFF}) {
      for (EventDecoder decoder : Verdicts.BOTH) {
        Decoded plain = decoder.decode(json);
        Decoded decoded = decoder.decode(List.of(), framed(schemaId, json));
        assertThat(decoded)
            .as("%s, schema id %d", decoder.validation(), schemaId)
            .isInstanceOf(Decoded.Accepted.class)
            .isEqualTo(plain);
      }
    }
  }

  @Test
  @DisplayName("Binary-mode data behind Schema Registry framing is read as the same data")
  void framedBinaryDataIsAccepted() throws IOException {
    byte[] data =
        "{\"job_id\": \"0b6f4c1e-8d2a-4f7b-b1c3-5e9a7d2f4c10\", \"service\": \"blast\"}"
            .getBytes(StandardCharsets.UTF_8);
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded plain = decoder.decode(binaryHeaders(), data);
      Decoded decoded = decoder.decode(binaryHeaders(), framed(42, data));
      assertThat(plain).isInstanceOf(Decoded.Accepted.class);
      assertThat(decoded).as("%s", decoder.validation()).isEqualTo(plain);
    }
  }

  @Test
  @DisplayName(
      "Framing followed by Avro, or by a rejected event, is dead-lettered with a reason naming the"
          + " framing and the schema id")
  void framedNonJsonNamesTheFraming() throws IOException {
    byte[] avro = {0x02, 0x06, 'J', '1', 0x00, 0x0A, 'b', 'l', 'a', 's', 't'};
    ObjectNode event = Verdicts.validExample("job.finished");
    ((ObjectNode) event.get("data")).put("exit_code", 300);
    byte[] invalid = JSON.writeValueAsBytes(event);
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded decoded = decoder.decode(List.of(), framed(7, avro));
      assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
      assertThat(((Decoded.Rejected) decoded).reason())
          .as("%s", decoder.validation())
          .startsWith("record value has Confluent Schema Registry framing (schema id 7): ")
          .contains("JSON");
      Decoded rejected = decoder.decode(List.of(), framed(7, invalid));
      assertThat(((Decoded.Rejected) rejected).reason())
          .as("%s", decoder.validation())
          .startsWith("record value has Confluent Schema Registry framing (schema id 7): ")
          .contains("$.data.exit_code");
    }
  }

  @Test
  @DisplayName("UTF-16 JSON, whose first byte is also NUL, is still named as UTF-16")
  void utf16IsNotTakenForFraming() {
    byte[] utf16 = "{\"specversion\": \"1.0\"}".getBytes(StandardCharsets.UTF_16BE);
    for (EventDecoder decoder : Verdicts.BOTH) {
      Decoded decoded = decoder.decode(List.of(), utf16);
      assertThat(((Decoded.Rejected) decoded).reason()).contains("NUL byte");
    }
  }
}
