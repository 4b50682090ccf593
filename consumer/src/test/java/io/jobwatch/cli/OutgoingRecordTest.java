package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobwatch.contract.BinaryMode;
import io.jobwatch.contract.Decoded;
import io.jobwatch.contract.EventDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The CLI's records in binary mode, and their way through the spool. */
class OutgoingRecordTest {
  private static final EventDecoder DECODER = new EventDecoder();

  private static OutgoingRecord structured() {
    ObjectNode data =
        CliEvents.MAPPER
            .createObjectNode()
            .put("job_id", "j-1")
            .put("attempt", 1)
            .put("exit_code", 0);
    ObjectNode envelope =
        CliEvents.envelope("job.finished", Instant.parse("2026-11-22T10:00:00Z"), data);
    return new OutgoingRecord("lifecycle", "j-1", envelope.toString());
  }

  private static Decoded decode(OutgoingRecord record) {
    List<BinaryMode.Header> headers =
        record.headers().entrySet().stream()
            .map(header -> BinaryMode.Header.text(header.getKey(), header.getValue()))
            .toList();
    return DECODER.decode(headers, record.value().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("In binary mode the attributes become ce_ headers and the value is the data")
  void binaryModeMovesAttributesToHeaders() throws Exception {
    OutgoingRecord binary = structured().in(ContentMode.BINARY);

    assertThat(binary.headers())
        .containsEntry("ce_specversion", "1.0")
        .containsEntry("ce_type", "job.finished")
        .containsEntry("ce_time", "2026-11-22T10:00:00Z")
        .containsEntry("content-type", "application/json")
        .containsKeys("ce_id", "ce_source")
        .doesNotContainKeys("ce_data", "ce_datacontenttype");
    assertThat(CliEvents.MAPPER.readTree(binary.value()))
        .isEqualTo(CliEvents.MAPPER.readTree("{\"job_id\":\"j-1\",\"attempt\":1,\"exit_code\":0}"));
    assertThat(binary.key()).isEqualTo("j-1");
    assertThat(binary.topic()).isEqualTo("lifecycle");
  }

  @Test
  @DisplayName("The consumer decodes a binary record to the same event as the structured one")
  void binaryRecordDecodesToTheSameEvent() {
    OutgoingRecord structured = structured();

    Decoded fromBinary = decode(structured.in(ContentMode.BINARY));
    Decoded fromStructured = decode(structured);

    assertThat(fromBinary).isInstanceOf(Decoded.Accepted.class);
    assertThat(((Decoded.Accepted) fromBinary).event())
        .isEqualTo(((Decoded.Accepted) fromStructured).event());
  }

  @Test
  @DisplayName("Structured mode leaves the record as it is")
  void structuredModeIsTheIdentity() {
    OutgoingRecord record = structured();

    assertThat(record.in(ContentMode.STRUCTURED)).isSameAs(record);
    assertThat(record.headers()).isEmpty();
  }

  @Test
  @DisplayName("A spooled binary record comes back with its headers in order")
  void spoolKeepsHeaders() throws Exception {
    Path directory = Files.createTempDirectory("jobwatch-spool-test-");
    Spool spool = new Spool(directory);
    OutgoingRecord structured = structured();
    OutgoingRecord binary = structured().in(ContentMode.BINARY);

    spool.append(List.of(binary, structured));
    List<OutgoingRecord> read = spool.read();

    assertThat(read).containsExactly(binary, structured);
    assertThat(List.copyOf(read.get(0).headers().keySet()))
        .isEqualTo(List.copyOf(binary.headers().keySet()));
    assertThat(read.get(1).headers()).isEqualTo(Map.of());
  }

  @Test
  @DisplayName("--mode reads structured or binary in any case and refuses anything else")
  void contentModeConverter() {
    ContentMode.Converter converter = new ContentMode.Converter();

    assertThat(converter.convert("binary")).isEqualTo(ContentMode.BINARY);
    assertThat(converter.convert("Structured")).isEqualTo(ContentMode.STRUCTURED);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> converter.convert("batch"))
        .hasMessageContaining("structured or binary");
  }
}
