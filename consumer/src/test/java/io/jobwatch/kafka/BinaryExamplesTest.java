package io.jobwatch.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobwatch.contract.EventDecoder;
import io.jobwatch.pipeline.Item;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The binary-mode examples in schemas/examples/binary, each a Kafka record ({@code headers} and
 * {@code value}), run through the consumer's record decoder.
 */
class BinaryExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "schemas", "examples", "binary");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KafkaRecordDecoder DECODER = new KafkaRecordDecoder(new EventDecoder());

  static List<Path> validExamples() throws IOException {
    return jsonFiles(EXAMPLES.resolve("valid"));
  }

  static List<Path> invalidExamples() throws IOException {
    return jsonFiles(EXAMPLES.resolve("invalid"));
  }

  private static List<Path> jsonFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(f -> f.toString().endsWith(".json"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  /**
   * The record an example describes: {@code headers} maps names to text (or null for a header
   * without value); {@code key} is the record key the contract asks for (absent: no key); a string
   * {@code value} is the value's text as is, anything else its JSON. The record has no timestamp,
   * so the clock-skew bound does not apply.
   */
  static ConsumerRecord<byte[], byte[]> record(Path example) throws IOException {
    JsonNode spec = JSON.readTree(example.toFile());
    RecordHeaders headers = new RecordHeaders();
    for (Map.Entry<String, JsonNode> header : spec.get("headers").properties()) {
      headers.add(
          header.getKey(),
          header.getValue().isNull()
              ? null
              : header.getValue().asText().getBytes(StandardCharsets.UTF_8));
    }
    JsonNode value = spec.get("value");
    String text = value.isTextual() ? value.asText() : value.toString();
    return new ConsumerRecord<>(
        "jobwatch.lifecycle",
        0,
        7L,
        ConsumerRecord.NO_TIMESTAMP,
        TimestampType.NO_TIMESTAMP_TYPE,
        0,
        text.length(),
        spec.hasNonNull("key") ? spec.get("key").asText().getBytes(StandardCharsets.UTF_8) : null,
        text.getBytes(StandardCharsets.UTF_8),
        headers,
        Optional.empty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validExamples")
  @DisplayName("A valid binary-mode example decodes to an event of its ce_type")
  void validBinaryExampleIsAccepted(Path example) throws IOException {
    ConsumerRecord<byte[], byte[]> record = record(example);
    String type =
        new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8);

    Item item = DECODER.decode(record);

    assertThat(item).isInstanceOf(Item.Valid.class);
    Item.Valid valid = (Item.Valid) item;
    assertThat(valid.event().type()).isEqualTo(type);
    JsonNode stored = JSON.readTree(valid.envelopeJson());
    assertThat(stored.get("specversion").asText()).isEqualTo("1.0");
    assertThat(stored.get("data")).isEqualTo(JSON.readTree(record.value()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidExamples")
  @DisplayName(
      "An invalid binary-mode example is dead-lettered naming the header or field it breaks")
  void invalidBinaryExampleIsRejectedNamingTheHeader(Path example) throws IOException {
    String name = example.getFileName().toString();
    Path sidecar = example.resolveSibling(name.substring(0, name.length() - 5) + ".field");
    String expected = Files.readString(sidecar).strip();

    Item item = DECODER.decode(record(example));

    assertThat(item).isInstanceOf(Item.Invalid.class);
    assertThat(((Item.Invalid) item).reason()).contains(expected + ":");
  }

  @Test
  @DisplayName("The binary examples cover every required header, content-type and a data field")
  void binaryExamplesCoverTheHeaders() throws IOException {
    List<String> fields =
        invalidExamples().stream()
            .map(
                example -> {
                  String name = example.getFileName().toString();
                  try {
                    return Files.readString(example.resolveSibling(name.replace(".json", ".field")))
                        .strip();
                  } catch (IOException e) {
                    throw new IllegalStateException(e);
                  }
                })
            .collect(Collectors.toList());
    assertThat(fields)
        .contains(
            "header ce_specversion",
            "header ce_id",
            "header ce_source",
            "header ce_type",
            "header ce_time",
            "header content-type",
            "$.data.exit_code");
    assertThat(validExamples()).hasSizeGreaterThanOrEqualTo(5);
  }
}
