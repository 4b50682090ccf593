package io.jobwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code jobwatch emit --field value} sends a field as a number or a boolean when the contract says
 * so: the sets it uses must be the schema files' own top-level integer and boolean fields.
 */
class EmitFieldsTest {
  private static final Path SCHEMAS = Path.of("..", "schemas", "v1");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  @DisplayName("emit's integer and boolean fields are those of schemas/v1/data")
  void fieldTypesFollowTheSchemas() throws IOException {
    JsonNode defs = MAPPER.readTree(SCHEMAS.resolve("defs.json").toFile()).path("$defs");
    Set<String> integers = new TreeSet<>();
    Set<String> booleans = new TreeSet<>();
    try (Stream<Path> files = Files.list(SCHEMAS.resolve("data"))) {
      for (Path file : files.toList()) {
        JsonNode properties = MAPPER.readTree(file.toFile()).path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          String type = typeOf(field.getValue(), defs);
          if ("integer".equals(type)) {
            integers.add(field.getKey());
          } else if ("boolean".equals(type)) {
            booleans.add(field.getKey());
          }
        }
      }
    }

    assertThat(integers).isNotEmpty();
    assertThat(EmitCommand.INTEGERS).containsExactlyInAnyOrderElementsOf(integers);
    assertThat(EmitCommand.BOOLEANS).containsExactlyInAnyOrderElementsOf(booleans);
  }

  /** A property's type: its own, its {@code else} branch's (null allowed) or its $ref's. */
  private static String typeOf(JsonNode property, JsonNode defs) {
    JsonNode schema = property.has("else") ? property.get("else") : property;
    if (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      schema = defs.path(ref.substring(ref.lastIndexOf('/') + 1));
    }
    return schema.path("type").asText(null);
  }
}
