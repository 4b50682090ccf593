package io.jobwatch.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jobwatch.JobwatchException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A monitors file: YAML with a {@code monitors} list, each entry the {@code data} of a {@code
 * monitor.declared} event ({@code monitor}, {@code team}, {@code schedule}, {@code grace}, …).
 * Stateless.
 */
final class MonitorsFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private MonitorsFile() {}

  /** An entry or file that cannot be read as monitors; the message says where. */
  static final class Unreadable extends JobwatchException {
    Unreadable(String message) {
      super(message);
    }
  }

  /**
   * The declarations of the file by monitor name, in file order, each with {@code owner} set when
   * one is given (an {@code owner} in the file itself must agree with it).
   *
   * @throws Unreadable when the file is not YAML, has no {@code monitors} list, or an entry is not
   *     a mapping with a {@code monitor} name, or a name appears twice
   */
  static Map<String, ObjectNode> read(Path file, String owner) {
    JsonNode root;
    try {
      root = YAML.readTree(file.toFile());
    } catch (JacksonException e) {
      throw new Unreadable(file + " is not YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Unreadable("cannot read " + file + ": " + e.getMessage());
    }
    if (root == null || !root.path("monitors").isArray()) {
      throw new Unreadable(file + ": expected a top-level 'monitors:' list");
    }
    Map<String, ObjectNode> declarations = new LinkedHashMap<>();
    int index = 0;
    for (JsonNode entry : root.get("monitors")) {
      String where = file + ": monitors[" + index++ + "]";
      if (!(entry instanceof ObjectNode declaration)) {
        throw new Unreadable(where + " is not a mapping");
      }
      JsonNode name = declaration.get("monitor");
      if (name == null || !name.isTextual()) {
        throw new Unreadable(where + " has no 'monitor' name");
      }
      JsonNode declaredOwner = declaration.get("owner");
      if (owner != null) {
        // owner: ~ (null) is no owner, as in the event: an optional field as null is absent.
        if (declaredOwner != null
            && !declaredOwner.isNull()
            && !owner.equals(declaredOwner.asText())) {
          throw new Unreadable(
              where + " (" + name.asText() + ") says owner " + declaredOwner + ", not " + owner);
        }
        declaration.put("owner", owner);
      }
      if (declarations.put(name.asText(), declaration) != null) {
        throw new Unreadable(file + ": the monitor " + name.asText() + " is listed twice");
      }
    }
    return declarations;
  }
}
