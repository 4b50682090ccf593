package io.jobwatch.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobwatch.contract.BinaryMode.Header;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every example in schemas/examples, structured and binary, gets the same verdict and the same
 * rejected field from the streaming decoder and from the schema validator; an invalid example's
 * reason names the field its {@code .field} file gives, in both.
 */
class StreamingExamplesTest {
  private static final Path EXAMPLES = Path.of("..", "schemas", "examples");
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Path> structuredExamples() throws IOException {
    List<Path> all = new ArrayList<>(jsonFiles(EXAMPLES.resolve("valid")));
    all.addAll(jsonFiles(EXAMPLES.resolve("invalid")));
    return all;
  }

  static List<Path> binaryExamples() throws IOException {
    List<Path> all = new ArrayList<>(jsonFiles(EXAMPLES.resolve("binary").resolve("valid")));
    all.addAll(jsonFiles(EXAMPLES.resolve("binary").resolve("invalid")));
    return all;
  }

  private static List<Path> jsonFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(file -> file.toString().endsWith(".json"))
          .sorted()
          .collect(Collectors.toList());
    }
  }

  /** The field an invalid example's sidecar names, or null for a valid example. */
  private static String expectedField(Path example) throws IOException {
    String name = example.getFileName().toString();
    Path sidecar = example.resolveSibling(name.substring(0, name.length() - 5) + ".field");
    return Files.exists(sidecar) ? Files.readString(sidecar).strip() : null;
  }

  private static void check(Decoded oracle, Decoded streaming, Path example) throws IOException {
    Verdicts.assertSame(oracle, streaming, example.toString());
    String field = expectedField(example);
    if (field == null) {
      assertThat(streaming).isInstanceOf(Decoded.Accepted.class);
    } else {
      assertThat(((Decoded.Rejected) streaming).reason()).contains(field + ":");
      assertThat(((Decoded.Rejected) oracle).reason()).contains(field + ":");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structuredExamples")
  @DisplayName("A structured example gets the schema validator's verdict and field")
  void structuredExampleAgrees(Path example) throws IOException {
    byte[] value = Files.readAllBytes(example);

    check(Verdicts.ORACLE.decode(value), Verdicts.STREAMING.decode(value), example);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaryExamples")
  @DisplayName("A binary example gets the schema validator's verdict and header or field")
  void binaryExampleAgrees(Path example) throws IOException {
    JsonNode spec = JSON.readTree(example.toFile());
    List<Header> headers = new ArrayList<>();
    for (Map.Entry<String, JsonNode> header : spec.get("headers").properties()) {
      headers.add(
          Header.text(
              header.getKey(), header.getValue().isNull() ? null : header.getValue().asText()));
    }
    JsonNode value = spec.get("value");
    byte[] bytes =
        (value.isTextual() ? value.asText() : value.toString()).getBytes(StandardCharsets.UTF_8);

    check(
        Verdicts.ORACLE.decode(headers, bytes), Verdicts.STREAMING.decode(headers, bytes), example);
  }
}
