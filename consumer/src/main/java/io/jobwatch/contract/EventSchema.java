package io.jobwatch.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
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

  EventSchema() {
    JsonSchemaFactory factory =
        JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder ->
                builder.schemaMappers(mappers -> mappers.mapPrefix(ID_PREFIX, CLASSPATH_PREFIX)));
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_PATH)
            .formatAssertionsEnabled(true)
            .errorMessageKeyword("errorMessage")
            .build();
    schema = factory.getSchema(SchemaLocation.of(ROOT), config);
    // Resolve every $ref now, so a broken schema fails at start-up and decoding never loads files.
    schema.initializeValidators();
  }

  /**
   * The violations, each naming its failing field, joined into one reason (at most {@value
   * #MAX_REPORTED} of them); empty when the event is valid.
   */
  Optional<String> violations(JsonNode event) {
    Set<ValidationMessage> messages = schema.validate(event);
    if (messages.isEmpty()) {
      return Optional.empty();
    }
    String reason =
        messages.stream()
            .limit(MAX_REPORTED)
            .map(EventSchema::describe)
            .distinct()
            .collect(Collectors.joining("; "));
    int more = messages.size() - MAX_REPORTED;
    return Optional.of(more > 0 ? reason + " (and " + more + " more)" : reason);
  }

  /**
   * Puts the failing field's full path first. For keywords that report on a member of an object the
   * library's location is the object, so the member is appended.
   */
  private static String describe(ValidationMessage message) {
    String field =
        MEMBER_KEYWORDS.contains(message.getType()) && message.getProperty() != null
            ? message.getInstanceLocation().append(message.getProperty()).toString()
            : message.getInstanceLocation().toString();
    String text = message.getMessage();
    String prefix = message.getInstanceLocation() + ": ";
    String detail = text.startsWith(prefix) ? text.substring(prefix.length()) : text;
    return field + ": " + detail;
  }
}
