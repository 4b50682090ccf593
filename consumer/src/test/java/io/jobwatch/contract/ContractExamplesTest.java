package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The published examples in schemas/examples hold against the schema and the decoder. */
class ContractExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "schemas", "examples");
  private static final EventDecoder DECODER = new EventDecoder();
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Path> validExamples() throws IOException {
    return jsonFiles(EXAMPLES.resolve("valid"));
  }

  static List<Path> invalidExamples() throws IOException {
    return jsonFiles(EXAMPLES.resolve("invalid"));
  }

  private static List<Path> jsonFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(file -> file.toString().endsWith(".json"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validExamples")
  @DisplayName("A valid example decodes to an event of the type it declares")
  void validExampleIsAccepted(Path example) throws IOException {
    byte[] value = Files.readAllBytes(example);
    String declaredType = JSON.readTree(value).get("type").asText();

    Decoded decoded = DECODER.decode(value);

    assertThat(decoded).isInstanceOf(Decoded.Accepted.class);
    assertThat(((Decoded.Accepted) decoded).type()).isEqualTo(declaredType);
  }

  private static final EventSchema SCHEMA = new EventSchema();

  static List<Path> allExamples() throws IOException {
    List<Path> all = new java.util.ArrayList<>(validExamples());
    all.addAll(invalidExamples());
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("allExamples")
  @DisplayName(
      "The decoder's by-type validation and the root event.json give the same verdict on an example")
  void byTypeValidationAgreesWithTheRootSchema(Path example) throws IOException {
    com.fasterxml.jackson.databind.JsonNode event;
    try {
      event = JSON.readTree(Files.readAllBytes(example));
    } catch (IOException notJson) {
      return; // rejected before any schema is consulted
    }
    if (event == null || !event.isObject()) {
      return;
    }
    assertThat(SCHEMA.violationsByType(event).isPresent())
        .as("rejected by type-directed validation")
        .isEqualTo(SCHEMA.violations(event).isPresent());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidExamples")
  @DisplayName("An invalid example is rejected with a reason that names the field it breaks")
  void invalidExampleIsRejectedNamingTheField(Path example) throws IOException {
    String name = example.getFileName().toString();
    Path sidecar = example.resolveSibling(name.substring(0, name.length() - 5) + ".field");
    String expectedField = Files.readString(sidecar).strip();

    Decoded decoded = DECODER.decode(Files.readAllBytes(example));

    assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
    assertThat(((Decoded.Rejected) decoded).reason()).contains(expectedField + ":");
  }

  @Test
  @DisplayName("Every event type has a valid example and there are at least 15 invalid ones")
  void examplesCoverTheContract() throws IOException {
    List<String> types =
        List.of(
            "job.submitted",
            "job.queued",
            "job.waiting",
            "job.started",
            "job.status",
            "job.finished",
            "job.crashed",
            "job.cancelled",
            "job.requeued",
            "stage.error",
            "stage.ok",
            "monitor.declared",
            "monitor.paused",
            "monitor.resumed",
            "monitor.retired");
    List<String> covered =
        validExamples().stream()
            .map(file -> file.getFileName().toString().replaceFirst("(-[^.]*)?\\.json$", ""))
            .collect(Collectors.toList());

    assertThat(covered).containsAll(types);
    assertThat(invalidExamples()).hasSizeGreaterThanOrEqualTo(15);
  }
}
