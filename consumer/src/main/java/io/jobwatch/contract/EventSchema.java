package io.jobwatch.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The v1 event schema ({@code schemas/v1/event.json} on the classpath, with its {@code $ref}s),
 * loaded once. Safe to share between threads once constructed.
 */
final class EventSchema {
  static final String ROOT = "https://jobwatch.io/schemas/v1/event.json";
  private static final String ID_PREFIX = "https://jobwatch.io/schemas/";
  private static final String CLASSPATH_PREFIX = "classpath:schemas/";

  private static final int MAX_REPORTED = 3;

  /** Keywords whose message is about a missing or surplus member of the object they check. */
  private static final Set<String> MEMBER_KEYWORDS =
      Set.of("required", "additionalProperties", "unevaluatedProperties");

  private final JsonSchema schema;
  private final JsonSchema envelope;
  private final java.util.Map<String, JsonSchema> dataByType = new java.util.HashMap<>();
  private final String unknownType;

  EventSchema() {
    JsonSchemaFactory factory =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder ->
                builder.schemaMappers(mappers -> mappers.mapPrefix(ID_PREFIX, CLASSPATH_PREFIX)));
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .formatAssertionsEnabled(true)
            .errorMessageKeyword("errorMessage")
            .build();
    schema = factory.getSchema(SchemaLocation.of(ROOT), config);
    // Resolve every $ref now, so a broken schema fails at start-up and decoding never loads files.
    schema.initializeValidators();
    envelope = factory.getSchema(SchemaLocation.of(ID_PREFIX + "v1/cloudevent.json"), config);
    envelope.initializeValidators();
    List<String> types = new java.util.ArrayList<>();
    schema
        .getSchemaNode()
        .path("properties")
        .path("type")
        .path("enum")
        .forEach(t -> types.add(t.asText()));
    for (String type : types) {
      JsonSchema data =
          factory.getSchema(SchemaLocation.of(ID_PREFIX + "v1/data/" + type + ".json"), config);
      data.initializeValidators();
      dataByType.put(type, data);
    }
    unknownType = "unknown event type; known types are " + types;
  }

  /**
   * The same verdict as {@link #violations} (the root {@code event.json}), reached faster: the
   * envelope schema, then the data schema of the event's own type picked by a lookup, instead of
   * trying the root's fifteen {@code if}/{@code then} branches. Both read the same schema files;
   * {@code ContractExamplesTest} checks that they agree on every example.
   */
  Optional<String> violationsByType(JsonNode event) {
    Set<ValidationMessage> messages = envelope.validate(event);
    if (!messages.isEmpty()) {
      return reason(messages, "");
    }
    JsonSchema data = dataByType.get(event.get("type").asText());
    if (data == null) {
      return Optional.of("$.type: " + unknownType);
    }
    messages = data.validate(event.get("data"));
    return messages.isEmpty() ? Optional.empty() : reason(messages, "$.data");
  }

  /**
   * The violations, each naming its failing field, joined into one reason (at most {@value
   * #MAX_REPORTED} of them); empty when the event is valid.
   */
  Optional<String> violations(JsonNode event) {
    Set<ValidationMessage> messages = schema.validate(event);
    return messages.isEmpty() ? Optional.empty() : reason(messages, "");
  }

  private static Optional<String> reason(Set<ValidationMessage> messages, String prefix) {
    String reason =
        messages.stream()
            .limit(MAX_REPORTED)
            .map(message -> describe(message, prefix))
            .distinct()
            .collect(Collectors.joining("; "));
    int more = messages.size() - MAX_REPORTED;
    return Optional.of(more > 0 ? reason + " (and " + more + " more)" : reason);
  }

  /**
   * Puts the failing field's full path first, written as JSONPath ({@code $.data.exit_code}). For
   * keywords that report on a member of an object the library's location is the object, so the
   * member is appended. The library validates with JSON Pointer locations: its JSONPath rendering
   * throws for an empty member name ({@code {"": 1}}), even inside its own validators.
   */
  private static String describe(ValidationMessage message, String under) {
    JsonNodePath location =
        MEMBER_KEYWORDS.contains(message.getType()) && message.getProperty() != null
            ? message.getInstanceLocation().append(message.getProperty())
            : message.getInstanceLocation();
    String field = JsonPaths.of(location);
    if (!under.isEmpty() && field.startsWith("$")) {
      field = under + field.substring(1);
    }
    String text = message.getMessage();
    String prefix = message.getInstanceLocation() + ": ";
    String detail = text.startsWith(prefix) ? text.substring(prefix.length()) : text;
    return field + ": " + detail;
  }
}
